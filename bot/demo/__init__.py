"""``disposisi demo``: the real bot against the project's own Bot API server, with scripted officials."""
