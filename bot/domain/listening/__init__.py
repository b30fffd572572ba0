"""What the bot hears in a deal channel: the rooms behind :mod:`bot.domain.crm` and
:mod:`bot.domain.detector`.

``crm_vocab`` / ``crm_lines``: the words and patterns of CRM notifications, and the code that
reads a stage change out of them. ``detector_vocab`` / ``commitments`` / ``meetings``: the
vocabulary of promises in conversation, and the code that finds commitments and finished
meetings; ``shorthand`` (promises without "will"), ``passive`` ("will be sent by us"),
``referents`` (what "it" stands for) and ``speakers`` (whose "we" a quoted or named speaker's
is) are the readings ``commitments`` calls on. Pure functions, no Slack imports.
"""
