"""``exsim serve``: the classroom in a browser — a projector view for the facilitator and a vote page for
the class's phones, around one live play session (sim.play). The web stack (Starlette, uvicorn) is the
optional extra ``exsim[serve]``; nothing here imports it until the server starts."""

MAX_SPEED = 100_000.0  # simulated seconds per real second, the fastest the facilitator may set

__all__ = ["MAX_SPEED"]
