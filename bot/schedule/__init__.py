"""Everything the bot does on its own clock: check-ins, weekly digests, due-date reminders,
scheduled one-off posts (meeting debriefs).

* :mod:`bot.schedule.jobs` — job records in the store (the truth; they survive restarts);
* :mod:`bot.schedule.dispatcher` — posts due jobs exactly once, rate-limited;
* :mod:`bot.schedule.scheduler` — APScheduler as the alarm clock (``serve`` only);
* :mod:`bot.schedule.limiter` — per-channel and workspace pacing of posts;
* :mod:`bot.schedule.zones` — which time zone a channel lives in.

:func:`bot.schedule.install.install_schedule` wires it all into the app's :class:`~bot.app.Services`
(in its own module: the services it wires import the modules above).
"""
