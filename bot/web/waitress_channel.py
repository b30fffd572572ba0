"""waitress's HTTP channel without its busy loop while a request thread is sending.

waitress (3.0) sends a response from the request thread that writes it: under the
channel's outbuf lock it appends the bytes, then sends them. Between the two, the event
loop sees bytes waiting, asks poll() for a writable socket (always ready at once), fails
to take the lock, and asks again: it spins, holding the interpreter lock between polls,
and the request thread that would release the outbuf lock waits for the interpreter lock
behind it. Measured under 10 concurrent clients (``bench/ack_latency.py``): 36 loop turns
a request instead of 1, and stalls of 20 to 70 ms in which no other thread ran; the
slowest 1% of acks waited for them.

While a request thread holds the lock, the loop leaves the socket alone: that thread
sends what it wrote, and pulls the loop's trigger if the socket didn't take it all.
"""

from __future__ import annotations

from waitress.channel import HTTPChannel


class SendingThreadChannel(HTTPChannel):  # type: ignore[misc]
    """An ``HTTPChannel`` whose event loop waits for the sending request thread."""

    def writable(self) -> bool:
        """Whether the event loop should wait for this socket to take more bytes."""
        if not super().writable():
            return False
        if self.will_close or not self.requests:
            return True  # closing, or bytes no request thread is sending
        if self.outbuf_lock.acquire(False):
            self.outbuf_lock.release()
            return True
        # The request thread holds it: it is sending, and pulls the trigger if it can't
        # send everything. Its request ending pulls the trigger too.
        return False
