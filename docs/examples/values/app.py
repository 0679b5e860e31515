"""Captured values and bound arguments (docs/values.rst)."""

from __future__ import annotations

import datetime as dt
import decimal
import typing as t
import uuid
from dataclasses import dataclass

from flask import Flask
from flask import render_template

from flask_server_actions import ServerActions
from flask_server_actions import server_action

app = Flask(__name__)
app.config["SECRET_KEY"] = "change me"
actions = ServerActions(app)


@dataclass
class Room:
    id: int
    name: str


ROOMS = {1: Room(1, "Lovelace"), 2: Room(2, "Hopper")}
BOOKINGS: dict[int, dict[str, t.Any]] = {}
PAID: list[int] = []

# A Room travels as its id and is loaded again when the form comes back.
actions.register_type(Room, dump=lambda room: room.id, load=lambda id: ROOMS[id])


@app.get("/rooms/<int:room_id>")
def room_page(room_id: int) -> str:
    room = ROOMS[room_id]
    day = dt.date(2026, 12, 1)
    shown_at = dt.datetime(2026, 11, 28, 15, 0, tzinfo=dt.timezone.utc)
    starts = dt.time(9, 30)
    length = dt.timedelta(hours=1, minutes=30)
    price = decimal.Decimal("120.50")
    request_id = uuid.UUID("12345678-1234-5678-1234-567812345678")
    seats = (1, 2)
    needs = {"projector"}
    per_seat = {1: "ada", 2: "grace"}

    def book(form: t.Any) -> None:
        "use server"
        BOOKINGS[max(BOOKINGS, default=0) + 1] = {
            "room": room, "day": day, "shown_at": shown_at, "starts": starts, "length": length,
            "price": price, "request_id": request_id, "seats": seats,
            "needs": needs, "per_seat": per_seat, "note": form.get("note", ""),
        }

    return render_template("booking.html", room=room, book=book,
                           cancel=cancel, bookings=BOOKINGS)


@server_action
def cancel(booking_id: int, form: t.Any) -> None:
    # booking_id is bound in the template: {{ action.button(cancel, booking_id) }}
    BOOKINGS.pop(booking_id, None)


@dataclass
class Invoice:  # not registered with actions.register_type
    number: int


@app.get("/invoices/<int:number>")
def invoice_page(number: int) -> str:
    invoice = Invoice(number)

    def pay(form: t.Any) -> None:
        "use server"
        PAID.append(invoice.number)

    # Raises UnserializableValue while rendering: `invoice` cannot travel.
    return render_template("booking.html", room=None, book=pay, cancel=cancel, bookings={})
