"""Editing an aspect's keywords (registered on the admin blueprint)."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from werkzeug.wrappers import Response

from engage.admin import keywords
from engage.admin.forms import KeywordsForm
from engage.admin.routes import _actor, admin_only, bp
from engage.extensions import db
from engage.feedback import forget_keyword_map
from engage.models import Aspect


@bp.route("/aspects/<int:aspect_id>/keywords", methods=["GET", "POST"])
@admin_only
def aspect_keywords(aspect_id: int) -> Response | str:
    """Edit the words and phrases that tag feedback with this aspect."""
    aspect = db.get_or_404(Aspect, aspect_id)
    form = KeywordsForm(aspect=aspect)
    if form.validate_on_submit():
        changed = keywords.update_keywords(_actor(), aspect, form.keywords)
        db.session.commit()
        if not changed:
            flash(f"The keywords of {aspect.name} are unchanged.", "info")
            return redirect(
                url_for("admin.aspects", _anchor=f"aspect-{aspect_id}"), code=303
            )
        forget_keyword_map()
        flash(
            f"Saved {len(form.keywords)} keywords for {aspect.name}. New feedback is "
            "tagged with them now; existing feedback keeps its old tags until it is "
            "rescored (Rescore all feedback, below).",
            "success",
        )
        for conflict in keywords.conflicts_of(aspect):
            others = ", ".join(a for a in conflict.aspects if a != aspect.name)
            flash(
                f"“{conflict.keyword}” is also a keyword of {others}; "
                f"{conflict.winner} wins because it comes first in the list.",
                "warning",
            )
        return redirect(url_for("admin.aspects", _anchor="rescore"), code=303)
    return render_template(
        "engage/admin/aspect_keywords.html",
        aspect=aspect,
        form=form,
        conflicts=keywords.conflicts_of(aspect),
    )
