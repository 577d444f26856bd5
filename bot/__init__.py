"""The Telegram front end and the ``disposisi`` command line."""
