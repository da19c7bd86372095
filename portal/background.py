"""Run a Celery task after the request, also on the embedded default (eager Celery).

With a broker (REDIS_URL) `defer(task, *args)` queues the task once the transaction
commits and a worker runs it. Without one Celery is eager, and `.delay()` would run the
task inside the request: a page that asks for a slow task (a board report is seconds of
PDF rendering) would block with no feedback. So on the eager default `defer` hands the
task, once the transaction commits, to a single background thread of this process, which
runs it through Celery's own eager path (`task.apply`, so retries and `on_failure` behave
as in a worker) and then closes that thread's database connections. One thread means one
task at a time, so SQLite never sees two writers from here; the request answers at once.

Why a thread and not the response's `request_finished` signal: the signal runs in the
server's request thread (a sync worker would be busy for the whole report) and the test
client fires it before returning. Why not a subprocess: it cannot see a test's database.

`CELERY_EAGER_IN_THREAD = False` runs eager tasks inline instead (the test settings do, so
tests that capture `on_commit` callbacks stay deterministic; tests of the deferral turn it
on). A task still waiting in the thread when the process exits is run before it exits;
a process killed mid-task leaves the row queued or running, which the stuck-report sweep
(`reports_recover_stuck`) and a new request both pick up again.

With a broker, a request must not save work it cannot queue: `defer` and `enqueue` first
ask `portal.broker.require()` (a PING), which raises a 503 `ApplicationError` inside the
caller's transaction when Redis is down, so nothing is saved. If Redis goes away between
that check and the publish after the commit, the publish error is logged, never raised
(the response must not become a 500 after the data is saved): the worker's recovery sweep
re-sends a queued report whose message is missing. `notify` is for e-mails and other
side effects the request does not depend on: no check, and a failed publish is logged.
"""
import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor

from django.conf import settings
from django.db import connections, transaction

log = logging.getLogger(__name__)
_executor: ThreadPoolExecutor | None = None
_lock = threading.Lock()


def in_thread() -> bool:
    """True when deferred tasks run in this process's background thread."""
    return bool(getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False)
                and getattr(settings, "CELERY_EAGER_IN_THREAD", False))


def _pool() -> ThreadPoolExecutor:
    global _executor
    with _lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="portal-eager")
        return _executor


def _run(task, args):
    try:
        task.apply(args=args, throw=False)
    except Exception:  # noqa: BLE001 - a background task must not kill the thread
        log.exception("Background task %s%r failed", task.name, args)
    finally:
        connections.close_all()  # this thread's connections only


def submit(fn, *args) -> Future:
    """Run `fn(*args)` in the background thread now (no transaction hook)."""
    return _pool().submit(fn, *args)


def _publish(task, args):
    """Queue `task(*args)`; a broker that is down is logged, not raised (after a commit)."""
    from kombu.exceptions import OperationalError

    from . import broker

    if broker.eager():
        task.delay(*args)  # runs here: its own errors are the caller's, as before
        return
    try:
        task.delay(*args)
    except (OperationalError, ConnectionError, OSError) as exc:
        log.error("Could not queue %s%r: %s (the recovery sweep re-sends it)", task.name,
                  args, exc)


def defer(task, *args):
    """Run the Celery `task(*args)` once the current transaction commits: queued for a
    worker, or on the eager default in the background thread (inline when turned off).
    Raises a 503 ApplicationError now when the broker is down."""
    if in_thread():
        transaction.on_commit(lambda: submit(_run, task, args))
    else:
        enqueue(task, *args)


def enqueue(task, *args):
    """Queue `task(*args)` once the current transaction commits (eager Celery: run it
    then, inline). Raises a 503 ApplicationError now when the broker is down."""
    from . import broker

    broker.require()
    transaction.on_commit(lambda: _publish(task, args))


def notify(task, *args):
    """Queue a side effect (an e-mail) after the commit; never fails the request."""
    transaction.on_commit(lambda: _publish(task, args))


def wait(timeout: float | None = None) -> None:
    """Block until every task handed to the background thread so far has run."""
    submit(lambda: None).result(timeout=timeout)
