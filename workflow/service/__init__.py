"""Services: open a transaction, call the engine, write the result, the audit and the outbox.

They are synchronous. The CLI calls them directly and the bot runs them in a
worker thread (``asyncio.to_thread``): one code path for both, plain SQLAlchemy
sessions, and a database call that is short next to a Telegram round trip.
"""
