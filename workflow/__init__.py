"""The approval engine: the SOP as data, the rules that move a case, and their persistence.

The rules (``sop``, ``roster``, ``states``, ``engine`` …) are pure: no database, no
network, ``now`` passed in. ``workflow.db`` is the persistence adapter and
``workflow.service`` joins the two. Nothing here imports the Telegram front end.
"""
