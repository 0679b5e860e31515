from flask import Flask, abort, render_template_string, session
from flask_server_actions import ServerActions


def signed_in(call):  # a check every app gets: each factory call registers it
    if "user" not in session:
        abort(401)


class Room:
    def __init__(self, id, name):
        self.id, self.name, self.bookings = id, name, []


PAGE = '<form method="post">{{ action(book, room) }}<button>Book {{ room.name }}</button></form>'


def create_app(rooms, closed=False):
    app = Flask(__name__)
    app.config["SECRET_KEY"] = "change me"
    actions = ServerActions(app)  # this app's extension: what is registered on it is its own

    actions.before_action(signed_in)
    actions.register_type(Room, dump=lambda room: room.id, load=rooms.__getitem__)

    @actions.before_action
    def open_for_bookings(call):
        if closed:
            abort(503)

    @app.get("/rooms/<int:room_id>")
    def show_room(room_id):
        def book(room, form):
            "use server"
            room.bookings.append(session["user"])

        return render_template_string(PAGE, book=book, room=rooms[room_id])

    return app
