"""From submitted values to an HTTP request, and from the reply to the value to show."""

from autoui.dispatcher.client import Dispatcher
from autoui.dispatcher.options import DEFAULT_TIMEOUT, Options
from autoui.mapper.reply_data import Reply

__all__ = ["DEFAULT_TIMEOUT", "Dispatcher", "Options", "Reply"]
