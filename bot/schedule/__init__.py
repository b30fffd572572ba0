"""Everything the bot does on its own clock: check-ins, weekly digests, due-date reminders,
scheduled one-off posts (meeting debriefs).

* :mod:`bot.schedule.jobs` — job records in the store (the truth; they survive restarts);
* :mod:`bot.schedule.dispatcher` — posts due jobs exactly once, rate-limited;
* :mod:`bot.schedule.scheduler` — APScheduler as the alarm clock (``serve`` only);
* :mod:`bot.schedule.limiter` — per-channel and workspace pacing of posts;
* :mod:`bot.schedule.zones` — which time zone a channel lives in.

Nothing here imports a use case: the dispatcher only knows the render callbacks registered on
it (``render(scope, job, now) -> Message | None``) and the planners. The use cases plan through
this package; :func:`bot.container.install_schedule` plugs them in.
"""
