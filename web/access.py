"""The signed-in actor of a request, and the role gates doors use."""
from __future__ import annotations

from functools import wraps
from typing import Callable

from flask import abort, current_app, g, redirect, request, session, url_for

from casework.bootstrap import Container
from casework.services import accounts
from casework.services.actor import Actor, ActorCache


def container() -> Container:
    return current_app.extensions["casework"]


def uow():
    """One unit of work per request: the services' `with uow:` blocks nest in it and share
    its session (fewer round trips); each service still commits its own changes."""
    if "uow" not in g:
        g.uow = container().uow()
        g.uow.__enter__()
    return g.uow


def read_uow():
    """For a page that only reads: the request's unit of work if it has one, else a read-only
    one of its own (no transaction round trips; a write through it is refused)."""
    if "uow" in g:
        return g.uow
    if "read_uow" not in g:
        g.read_uow = container().read_uow()
        g.read_uow.__enter__()
    return g.read_uow


def close_uow(_exc: BaseException | None = None) -> None:
    for name in ("uow", "read_uow"):
        shared = g.pop(name, None)
        if shared is not None:
            shared.__exit__(None, None, None)


def current_actor() -> Actor | None:
    """The session's user as an actor: None when signed out, disabled or gone. Reused for a
    few seconds per worker (`ActorCache`: account changes here apply on the next request)."""
    if "actor" not in g:
        name = session.get("user")
        stamp = session.get("stamp")  # a reset or a new password ends older sessions
        actors = current_app.extensions["casework_actors"]
        g.actor = (actors.get((name, stamp), lambda: accounts.session_actor(read_uow(), name, stamp))
                   if name else None)
    return g.actor


def address() -> str:
    return (request.remote_addr or "-")[:64]


def signed_in(*roles: str) -> Callable:
    """Sign-in required (else a redirect to it); with roles, one of them (else 403)."""
    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args, **kwargs):
            actor = current_actor()
            if actor is None:
                return redirect(url_for("auth.sign_in", next=request.full_path.rstrip("?")))
            if roles and not actor.roles & set(roles):
                abort(403)
            return view(*args, **kwargs)
        wrapper.roles = roles  # read by the route x role test
        return wrapper
    return decorate
