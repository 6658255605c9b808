"""The words of the classroom's pages, marked for the catalogue and translated per page (``?lang=``)."""

from __future__ import annotations

from typing import Any

from sim.present.i18n import N_, Language
from sim.present.labels import OBJECTIVE_STATE, SUPPLY
from sim.present.measures import MEASURE

TEXT = {
    "classroom": N_("Classroom"),
    "join_title": N_("Join the class"),
    "join_prompt": N_("Type the code shown on the projector."),
    "join_button": N_("Join"),
    "code": N_("Code"),
    "wrong_code": N_("That code is not right: look at the projector again."),
    "join_at": N_("Join on your phone at"),
    "with_code": N_("with the code"),
    "participants": N_("Participants"),  # a label before the count: "Participants: 1", no plural to agree
    "map": N_("Map"),
    "zoom_in": N_("Zoom in (or the mouse wheel; drag to move the map)"),
    "zoom_out": N_("Zoom out"),
    "whole_map": N_("Whole map"),
    "story": N_("Story"),
    "status": N_("Status"),
    "start": N_("Start"),
    "resume": N_("Resume"),
    "pause": N_("Pause"),
    "paused": N_("paused"),
    "running": N_("running"),
    "held_decision": N_("waiting for a decision"),
    "held_inject": N_("waiting for the inject"),
    "speed": N_("Speed"),
    "speed_unit": N_("simulated seconds per second"),
    "step": N_("Step 10 min"),
    "inject": N_("Inject"),
    "continue": N_("Continue"),
    "decision": N_("Decision"),
    "open_vote": N_("Open the vote"),
    "close_vote": N_("Close the vote"),
    "vote_open": N_("The vote is open"),
    "votes": N_("Votes"),  # a label before the count, as "Participants"
    "show_count": N_("Show the count"),
    "hide_count": N_("Hide the count"),
    "default": N_("default"),
    "decide": N_("Decide without a vote"),
    "override": N_("Override"),
    "apply": N_("Apply"),
    "ended": N_("The run has ended."),
    "saved": N_("The play is saved in"),
    "forbidden": N_("This page needs the facilitator's link (the one printed when the server started)."),
    "waiting": N_("No vote is open. Keep this page open: the next vote appears here."),
    "your_vote": N_("Your vote"),
    "change_vote": N_("You can change your vote until the facilitator closes it."),
    "vote_closed": N_("The vote is closed."),
    "connection_lost": N_("Connection lost; reconnecting…"),
    "strength": N_("Strength"),
    "stocks": N_("Stocks"),
    "casualties": N_("Casualties in the chain"),
    "objectives": N_("Objectives"),
    **OBJECTIVE_STATE,  # met, missed, at risk, open: the words of the live view and the report
    "killed": N_("killed"),
    "wounded": N_("wounded"),
    "in_care": N_("in care"),
    "returned_to_duty": N_("returned to duty"),
    "evacuated": N_("evacuated"),
    "died_of_wounds": N_("died of wounds"),
    "waiting_for_team": N_("waiting"),
    "beds_used": N_("beds in use"),
    "no_override": N_("Nothing to override now."),
    "held_result": N_("the vote's result is on screen"),
    "result_held": N_("The result stays on the projector until you continue."),
    "facilitator": N_("Facilitator"),
    "open_projector": N_("Open the projector's view"),
    "facilitator_note": N_("This view is for the facilitator only: do not project it."),
    "msel": N_("MSEL"),
    "when": N_("When"),
    "what": N_("What"),
    "tests": N_("Tests"),
    "controller_note": N_("Controller's note"),
    "expected_action": N_("Expected action"),
    "you_voted": N_("You voted for {option}."),
    "you_did_not_vote": N_("You did not vote."),
    "landed": N_("Where your run landed"),
    "placing": N_("placing your run among {n} simulated runs…"),
    "unplaced": N_("no placement: {reason}"),
}


def texts(lang: Language) -> dict[str, Any]:
    """The page's words in ``lang``, with the supply classes' names under ``supply`` and the words of the
    measurement units (L, t) under ``measure``."""
    return {
        **{k: lang._(v) for k, v in TEXT.items()},
        "supply": {k: lang._(v) for k, v in SUPPLY.items()},
        "measure": {k: lang._(v) for k, v in MEASURE.items()},
    }
