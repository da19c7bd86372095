"""The Celery broker (Redis) as the web process and the recovery sweeps see it.

- `require()` raises `ApplicationError(code=UNAVAILABLE)` (503) when the broker does not
  answer a PING within a second, so a request that would queue work refuses before it
  saves anything (portal.background.defer / enqueue call it inside the transaction).
- `pending_args(task_name)` reads the messages waiting in the broker (the queues and the
  unacknowledged set) and returns the first argument of each message for that task, and of
  each such task a message carries to publish later (a chain's next links, a chord's
  body, callbacks), so work held back on purpose is not taken for lost: the
  recovery sweeps use it to tell a queued row whose message is gone (Redis restarted
  empty, a publish that failed after the commit) from one still waiting its turn. It
  returns None when the broker cannot be read (eager Celery, another transport, Redis
  down): callers then fall back to their time limits.

On the embedded default (no REDIS_URL, eager Celery) there is no broker: `require()` does
nothing and `pending_args` returns None.
"""
import base64
import json
import logging

from django.conf import settings

from .errors import ApplicationError, ErrorCode

log = logging.getLogger(__name__)
PING_TIMEOUT = 1.0
UNAVAILABLE_MESSAGE = ("The report and import service is unavailable just now, so nothing "
                       "was saved. Try again in a few minutes.")
_client = None


def eager() -> bool:
    return bool(getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False))


def _redis():
    """A small Redis client of our own for PING (short timeouts, reused connections)."""
    global _client
    import redis

    url = settings.CELERY_BROKER_URL
    if _client is None or _client.url != url:
        client = redis.Redis.from_url(url, socket_connect_timeout=PING_TIMEOUT,
                                      socket_timeout=PING_TIMEOUT)
        client.url = url
        _client = client
    return _client


def is_redis() -> bool:
    return str(settings.CELERY_BROKER_URL).startswith(("redis://", "rediss://"))


def available() -> bool:
    """True when tasks can be queued now (always on eager Celery)."""
    if eager() or not is_redis():
        return True
    import redis

    try:
        return bool(_redis().ping())
    except (redis.RedisError, OSError):
        return False


def require(message=UNAVAILABLE_MESSAGE):
    """Refuse (503) when the broker is down; call it before saving work that queues a task."""
    if not available():
        log.error("The Celery broker does not answer: refusing work that needs it")
        raise ApplicationError(message, code=ErrorCode.UNAVAILABLE)


def _signature_args(value, task_name, found):
    """Collect the first argument of every `task_name` signature nested in `value` (a
    chain's later links, a chord's body, callbacks: protocol 2's embed)."""
    if isinstance(value, dict):
        if value.get("task") == task_name and value.get("args"):
            found.add(value["args"][0])
        for item in value.values():
            _signature_args(item, task_name, found)
    elif isinstance(value, list):
        for item in value:
            _signature_args(item, task_name, found)


def _message_args(message, task_name, found):
    """Add to `found` the first argument of the message's task (if it is `task_name`) and of
    every `task_name` signature it carries to publish later (chains, chords, callbacks)."""
    headers = message.get("headers") or {}
    body = message.get("body")
    if message.get("properties", {}).get("body_encoding") == "base64":
        body = base64.b64decode(body)
    args, _kwargs, embed = json.loads(body)  # protocol 2: [args, kwargs, embed]
    if headers.get("task") == task_name and args:
        found.add(args[0])
    _signature_args(embed, task_name, found)


def pending_args(task_name) -> set | None:
    """First arguments of `task_name`'s messages queued or delivered but not acknowledged,
    or None when the broker cannot be read."""
    if eager() or not is_redis():
        return None
    from kombu.exceptions import OperationalError

    from .celery import app

    found = set()
    try:
        with app.connection_for_read() as conn:
            channel = conn.default_channel
            client = channel.client
            queues = {queue.name for queue in app.amqp.queues.values()} or {
                app.conf.task_default_queue}
            with client.pipeline() as pipe:
                for queue in sorted(queues):
                    for pri in channel.priority_steps:
                        pipe.lrange(channel._q_for_pri(queue, pri), 0, -1)
                pipe.hvals(channel.unacked_key)
                *lists, unacked = pipe.execute()
    except (OperationalError, OSError, ConnectionError, TimeoutError) as exc:
        log.warning("Cannot read the broker's queues: %s", exc)
        return None
    except Exception as exc:  # noqa: BLE001 - redis-py's own errors: the broker is unreadable
        log.warning("Cannot read the broker's queues: %s", exc)
        return None
    for item, delivered in [(i, False) for items in lists for i in items] + [
            (i, True) for i in unacked]:
        try:
            message = json.loads(item)
            if delivered:
                message = message[0]  # unacked holds [message, exchange, routing_key]
            _message_args(message, task_name, found)
        except (ValueError, TypeError, KeyError, IndexError):
            continue  # not a JSON Celery message: not ours
    return found
