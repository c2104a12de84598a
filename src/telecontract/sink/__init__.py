"""The callback receiver used by the contract suite and the load scenarios."""

from telecontract.sink.app import SinkConfig, create_sink, play_then_hang_up
from telecontract.sink.store import Delivery, read_deliveries

__all__ = ["Delivery", "SinkConfig", "create_sink", "play_then_hang_up", "read_deliveries"]
