"""Groups, their facilitators and standing invite links."""

from __future__ import annotations

import json
from typing import Any

from sqlmodel import Session, col, select

from app.domain.rules import GroupSettings, SettingsError
from app.models import Group, GroupFacilitator, LeaderTurn, LiveSession, Member, User
from app.models.accounts import AccountRole
from app.models.groups import DEFAULT_DESCRIPTION, new_invite_code
from app.models.sessions import SessionState
from app.services.agreements import current_agreement
from app.services.errors import BadInput, Forbidden, NotFound
from app.services.rights import audit


def create_group(db: Session, user: User, name: str, description: str | None,
                 facilitators: list[str] | None = None) -> Group:  # fmt: skip
    """A facilitator creates a group they run; an organiser names its facilitators."""
    organiser = user.role is AccountRole.ORGANISER
    if organiser and not facilitators:
        raise BadInput("facilitators: name at least one facilitator account to run the group")
    if not organiser and facilitators is not None:
        raise Forbidden("only the organiser chooses a group's facilitators")
    name = name.strip()
    if not 1 <= len(name) <= 80:
        raise BadInput("name: use 1 to 80 characters")
    chosen = _facilitator_accounts(db, facilitators) if organiser else [user]
    group = Group(name=name, description=(description or "").strip() or DEFAULT_DESCRIPTION)
    db.add(group)
    db.flush()
    for account in chosen:
        db.add(GroupFacilitator(group_id=group.id, user_id=account.id))
    current_agreement(db, group)  # version 1, with the description as what is tracked
    return group


def set_facilitators(db: Session, organiser: User, group: Group, usernames: list[str]) -> list[str]:
    """The organiser decides who runs a group; each change is audited (V4)."""
    chosen = {u.id: u for u in _facilitator_accounts(db, usernames)}
    current = set(
        db.exec(select(GroupFacilitator.user_id).where(GroupFacilitator.group_id == group.id))
    )
    for user_id in current - chosen.keys():
        link = db.get(GroupFacilitator, (group.id, user_id))
        db.delete(link)
    for user_id in chosen.keys() - current:
        db.add(GroupFacilitator(group_id=group.id, user_id=user_id))
    if current != chosen.keys():
        names = ", ".join(sorted(u.username for u in chosen.values()))
        audit(db, organiser.id, "facilitators.change", group.id, detail=names)
    return sorted(u.username for u in chosen.values())


def _facilitator_accounts(db: Session, usernames: list[str] | None) -> list[User]:
    names = list(dict.fromkeys(usernames or []))
    if not names:
        raise BadInput("facilitators: name at least one facilitator account")
    accounts = list(db.exec(select(User).where(col(User.username).in_(names))))
    found = {u.username: u for u in accounts if u.role is AccountRole.FACILITATOR}
    missing = [n for n in names if n not in found]
    if missing:
        raise BadInput(f"facilitators: no facilitator account named {missing[0]!r}")
    return [found[n] for n in names]


def groups_of(db: Session, user: User) -> list[Group]:
    if user.role is AccountRole.ORGANISER:
        return list(db.exec(select(Group).order_by(col(Group.created_at))))
    query = (select(Group).join(GroupFacilitator).where(GroupFacilitator.user_id == user.id)
             .order_by(col(Group.created_at)))  # fmt: skip
    return list(db.exec(query))


def is_facilitator(db: Session, user: User, group_id: str) -> bool:
    return db.get(GroupFacilitator, (group_id, user.id)) is not None


def group_for_staff(db: Session, user: User, group_id: str) -> Group:
    """The group, for its facilitators and for organisers (who see no per-member data)."""
    if user.role is AccountRole.ORGANISER:
        return require_group(db, group_id)
    return group_for_facilitator(db, user, group_id)


def group_for_facilitator(db: Session, user: User, group_id: str) -> Group:
    group = db.get(Group, group_id)
    if group is None or not is_facilitator(db, user, group_id):
        raise NotFound("no such group among yours")
    return group


def facilitator_names(db: Session, group_id: str) -> list[str]:
    query = (
        select(User.username).join(GroupFacilitator).where(GroupFacilitator.group_id == group_id)
    )
    return list(db.exec(query))


def settings_of(group: Group) -> GroupSettings:
    return GroupSettings.parse(json.loads(group.settings_json))


def update_settings(db: Session, group: Group, changes: dict[str, Any]) -> GroupSettings:
    """Merge changes into the group's settings; raises BadInput naming a bad key."""
    try:
        updated = GroupSettings.parse(settings_of(group).as_dict() | changes)
    except SettingsError as exc:
        raise BadInput(str(exc)) from None
    group.settings_json = json.dumps(updated.as_dict())
    db.add(group)
    return updated


def rotate_invite(db: Session, group: Group) -> Group:
    group.invite_code = new_invite_code()
    db.add(group)
    return group


def group_by_invite(db: Session, code: str) -> Group:
    group = db.exec(select(Group).where(Group.invite_code == code)).first()
    if group is None:
        raise NotFound("this invite link is not valid; it may have been replaced by a new one")
    return group


def current_session(db: Session, group_id: str) -> LiveSession | None:
    """The group's open or live session, if any."""
    query = (
        select(LiveSession)
        .where(LiveSession.group_id == group_id)
        .where(LiveSession.state != SessionState.ENDED)
    )
    return db.exec(query).first()


def require_group(db: Session, group_id: str) -> Group:
    group = db.get(Group, group_id)
    if group is None:
        raise NotFound("no such group")
    return group


def leader_history(db: Session, group: Group) -> list[dict[str, Any]]:
    """The group's rotation of discussion leaders (DOMAIN.md R4)."""
    query = (select(LeaderTurn, Member.display_name).join(Member)
             .where(LeaderTurn.group_id == group.id).order_by(col(LeaderTurn.chosen_at).desc()))  # fmt: skip
    return [{"session_id": turn.session_id, "member_id": turn.member_id, "name": name,
             "chosen_at": turn.chosen_at.isoformat()} for turn, name in db.exec(query)]  # fmt: skip
