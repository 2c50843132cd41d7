"""Shared helpers for autoui's tests: real loopback servers and a real browser."""
