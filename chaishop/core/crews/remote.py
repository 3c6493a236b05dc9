"""The base of every crew whose baristas live outside the engine's threads.

    engine: RemoteCrew.events()                    transport (one per crew kind)
    ---------------------------                    -----------------------------
    counter (deque of orders)  <--NEXT-----------  a barista asks for an order
                               --order/None----->  _send_order(b, order)
    cancel once ----------------CANCEL---------->  _send_cancel(b)
    knock-out (k) --------------once------------>  _knock(b)
    tracked events  <---------Event--------------  _receive(timeout)
    FAILED(reason)  <---------Gone(reason)-------  the barista vanished without a word

Processes (pipes), subinterpreters (os pipes, marshal) and Dask workers
(futures and worker events) differ only in how these messages travel; the
protocol's rules (its words NEXT/CANCEL/KNOCK are core.protocol.remote's: cancel
once, one hand-out rule, a silent barista is a FAILED one) live here, once.

``self.shared`` is what every barista of one run shares (the till it rings on): the
run sets it on the crew before start (core.workloads.lessons.prepare); the processes
crew hands it to each barista process (subinterpreters and Dask workers share nothing).
"""

from __future__ import annotations

import collections
from abc import abstractmethod
from dataclasses import dataclass
from typing import Iterable

from chaishop.core.protocol import events as ev
from chaishop.core.workloads import haul
from chaishop.core.crews.base import Crew
from chaishop.core.protocol.remote import NEXT
from chaishop.core.workloads.recipes import Order


@dataclass(frozen=True)
class Gone:
    """The transport saw barista ``barista`` go (its process, interpreter or worker ended)."""

    reason: str


Incoming = tuple[int, object]  # (barista, NEXT | ev.Event | Gone)


class RemoteCrew(Crew):
    """A crew whose baristas are reached through a transport; subclasses write only that."""

    def _start(self, orders: list[Order]) -> None:
        self._counter: collections.deque[Order] = collections.deque(orders)
        self._cancel_sent = False
        self._knocks_sent: set[int] = set()
        self._launch()

    def _hand_out(self) -> Order | None:
        """The next order, or None once the counter is empty or the run is cancelled.

        An order that carries data (the haul recipe) is stamped as it leaves: from here
        until its barista has it in hand is moving data (serialise, send, deserialise).
        """
        return haul.stamp(None if self.cancelled or not self._counter else self._counter.popleft())

    def _next_events(self, timeout: float) -> list[ev.Event]:
        if self.cancelled and not self._cancel_sent:
            self._cancel_sent = True
            for b in self.working():
                self._send_cancel(b)
        for b in sorted(self._knocked - self._knocks_sent - self._ended):
            self._knocks_sent.add(b)
            self._knock(b)
        got: list[ev.Event] = []
        for barista, msg in self._receive(timeout):
            if msg == NEXT:
                self._send_order(barista, self._hand_out())
            elif isinstance(msg, ev.Event):
                got.append(msg)
            elif isinstance(msg, Gone):
                said_goodbye = any(e.barista == barista and e.kind in ev.TERMINAL_KINDS
                                   for e in got)
                if not said_goodbye and barista not in self._ended:
                    who = next((e.who for e in got if e.barista == barista
                                and e.kind == ev.STARTED), self._who(barista))
                    got.append(ev.Event(ev.FAILED, barista, who, detail=msg.reason))
        return got

    def _shutdown(self) -> None:
        self._stop_all()

    # The transport: what each kind of remote crew provides.
    @abstractmethod
    def _launch(self) -> None:
        """Start every barista (1..self.baristas)."""

    @abstractmethod
    def _receive(self, timeout: float) -> Iterable[Incoming]:
        """What arrived, waiting at most ``timeout`` for the first message."""

    @abstractmethod
    def _send_order(self, barista: int, order: Order | None) -> None: ...

    @abstractmethod
    def _send_cancel(self, barista: int) -> None: ...

    @abstractmethod
    def _knock(self, barista: int) -> None:
        """Make one barista fail now (kill its process, or tell it to fail)."""

    @abstractmethod
    def _stop_all(self) -> None:
        """Stop every barista (by force if need be) and release the transport."""


__all__ = ["Gone", "Incoming", "RemoteCrew"]
