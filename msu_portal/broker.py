"""The Redis transport with one guard against a worker crash in Celery 5.7.0 / kombu 5.7.0.

When the broker connection drops while a worker holds an unacknowledged task, the consumer
first `collect()`s the dead connection (which detaches the transport: `transport.client =
None`), then closes it; closing the channel restores the unacked messages, which builds a
Redis client from `transport.client.hostname` and raises AttributeError. That error is not a
connection error, so the worker stops with "Unrecoverable error: AttributeError('NoneType'
object has no attribute 'hostname')" instead of reconnecting (reproduced with the threads
pool; no fixed release exists yet, see docs/decisions.md).

The guard turns that case into the connection error it is: kombu ignores it while closing,
the consumer reconnects, and the unacknowledged message stays in Redis's unacked set, from
which kombu restores it after the visibility timeout (our tasks are idempotent). Remove this
module (and CELERY_BROKER_TRANSPORT) once a release fixes the consumer's close."""

from kombu.transport import redis
from redis.exceptions import ConnectionError as RedisConnectionError


class Channel(redis.Channel):
    def _connparams(self, asynchronous=False):
        if self.connection.client is None:  # the connection was already collected
            raise RedisConnectionError("the broker connection is already closed")
        return super()._connparams(asynchronous=asynchronous)


class Transport(redis.Transport):
    Channel = Channel
