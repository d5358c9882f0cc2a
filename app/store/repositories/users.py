from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from breakdesk.app.store.models import User


def get_user(session: Session, *, username: str) -> User | None:
    return session.execute(select(User).where(User.username == username)).scalar_one_or_none()


def list_users(session: Session) -> list[User]:
    return list(session.execute(select(User).order_by(User.username)).scalars())


def count_active_with_role(session: Session, *, role: str) -> int:
    return session.execute(select(func.count()).select_from(User).where(User.role == role, User.active.is_(True))).scalar_one()
