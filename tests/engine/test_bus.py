"""The bus: subscribers in order; one that unsubscribes while an event is delivered (a trigger that fired)."""

from __future__ import annotations

from sim.engine.bus import Bus, Losses


def test_a_subscriber_that_unsubscribes_mid_delivery_leaves_the_others_their_event():
    bus, heard = Bus(), []

    def first(ev: Losses) -> None:
        heard.append(("first", ev.unit))
        bus.unsubscribe(Losses, first)

    bus.subscribe(Losses, first)
    bus.subscribe(Losses, lambda ev: heard.append(("second", ev.unit)))
    bus.publish(Losses("u1"))  # type: ignore[arg-type]
    bus.publish(Losses("u2"))  # type: ignore[arg-type]
    assert heard == [("first", "u1"), ("second", "u1"), ("second", "u2")]


def test_heard_while_someone_subscribes_and_no_longer_once_the_last_has_gone():
    bus = Bus()
    assert not bus.heard(Losses)

    def watch(ev: Losses) -> None:
        pass

    bus.subscribe(Losses, watch)
    assert bus.heard(Losses)
    bus.unsubscribe(Losses, watch)
    assert not bus.heard(Losses)
