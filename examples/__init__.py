"""Example model API bundled with autoui.

``autoui demo`` serves :func:`autoui_examples.model_api.create_app`: a small FastAPI
service that does real, offline, CPU-only work (a Markov text generator trained on
standard-library docstrings, Pillow image analysis and transforms, VADER sentiment,
Morse-code audio and PDF reports), so that every kind of input and output autoui maps
(JSON, images, audio, files, server-sent-event streams) can be tried without a network
or a model download.
"""
