"""Handlers: parse the update, call one service, render a template, reply."""
