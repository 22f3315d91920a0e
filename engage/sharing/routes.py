"""Share links: staff make and revoke them; anyone holding one reads the report.

Staff pages live under ``/staff``; ``/r/<token>`` is public. Every link that cannot be
used (unknown, malformed, expired, revoked) gets the same neutral 404 page, so a guesser
learns nothing, and those answers count against a per-IP limit (429), as survey links
do. Schedules of monthly report mails are on this blueprint too (``schedule_routes``).
"""

from __future__ import annotations

from typing import cast

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user
from werkzeug.wrappers import Response

from engage import audit
from engage.auth.access import (
    agreement_or_404,
    can_edit_agreement,
    can_edit_customer,
    customer_or_404,
    require,
)
from engage.extensions import db, limiter
from engage.models import Agreement, Customer, ShareLink, User
from engage.sharing import service
from engage.sharing.forms import ShareLinkForm
from engage.sharing.report import render_link_report

bp = Blueprint("sharing", __name__)

#: The only endpoints of this blueprint reachable without signing in.
PUBLIC_ENDPOINTS = {"sharing.report"}


@bp.before_request
def _staff_only() -> ResponseReturnValue | None:
    if request.endpoint in PUBLIC_ENDPOINTS or current_user.is_authenticated:
        return None
    return cast(ResponseReturnValue, current_app.login_manager.unauthorized())  # type: ignore[attr-defined]


def current_staff() -> User:
    """The signed-in staff member as a model object (audit rows need one)."""
    return cast(User, current_user._get_current_object())


# -- the public report -------------------------------------------------------


def _guess_limit() -> str:
    config = current_app.config
    return str(
        config.get("SHARE_LINK_GUESS_LIMIT") or config["SURVEY_LINK_GUESS_LIMIT"]
    )


def _was_refused(response: Response) -> bool:
    return response.status_code == 404


#: Unusable links opened from one IP (unknown, expired or revoked alike).
guess_limit = limiter.shared_limit(
    _guess_limit, scope="share-link-guess", deduct_when=_was_refused
)


def unavailable_page() -> Response:
    """The one answer for every unusable link: same status, same body."""
    response = make_response(render_template("engage/sharing/unavailable.html"), 404)
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _open_limit() -> str:
    return str(current_app.config.get("SHARE_REPORT_LIMIT") or "60 per minute")


@bp.get("/r/<token>")
@guess_limit
# Building a report takes real work: even valid links are opened at a bounded rate.
@limiter.limit(_open_limit, key_func=lambda: f"share-open:{request.remote_addr}")
def report(token: str) -> Response:
    """The report behind a share link, without signing in; every opening is logged."""
    link = service.find_link(token)
    if link is None:
        return unavailable_page()
    status = service.status_of(link)
    service.log_view(
        link,
        status,
        request.remote_addr or "",
        request.headers.get("User-Agent", ""),
    )
    db.session.commit()
    if status is not service.LinkStatus.ACTIVE:
        return unavailable_page()
    rendered = render_link_report(link)
    if rendered is None:
        return unavailable_page()
    html, csp = rendered
    response = make_response(html, 200)
    response.headers["Content-Security-Policy"] = csp
    # The URL is the secret: never pass it on, cache it or index it.
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


# -- staff: making and listing links ----------------------------------------


def _shareable_agreement(agreement_id: int) -> Agreement:
    agreement = agreement_or_404(agreement_id)
    if not service.shareable(agreement):
        abort(404)  # corporate SLAs cover every customer: never shared with one
    return agreement


def _links_page(
    form: ShareLinkForm,
    can_edit: bool,
    agreement: Agreement | None = None,
    customer: Customer | None = None,
) -> str:
    return render_template(
        "engage/sharing/links.html",
        form=form,
        can_edit=can_edit,
        agreement=agreement,
        customer=customer,
        rows=service.link_rows(agreement=agreement, customer=customer),
        max_days=service.MAX_DAYS,
    )


def _create(
    form: ShareLinkForm,
    agreement: Agreement | None = None,
    customer: Customer | None = None,
) -> str:
    link, token = service.create_link(
        by=current_staff(),
        agreement=agreement,
        customer=customer,
        label=form.label.data or "",
        days=int(form.days.data or service.DEFAULT_DAYS),
        months=int(form.months.data or 12),
        include_quotes=not form.leave_out_quotes.data,
    )
    subject = agreement.name if agreement else customer.name if customer else ""
    audit.record(
        current_staff(),
        "share_link.create",
        link,
        f"Shared the report of {subject} ({link.label or 'no label'})",
        expires_at=link.expires_at,
        include_quotes=link.include_quotes,
        months=link.months,
    )
    db.session.commit()
    # Rendered in the POST's answer, not after a redirect: the secret exists only in
    # this one response (no-store) and never sits in a cookie or the database.
    return _link_page(link, url=service.share_url(token))


@bp.route("/staff/agreements/<int:agreement_id>/share", methods=["GET", "POST"])
def agreement_links(agreement_id: int) -> ResponseReturnValue:
    """An SLA's share links, and the form to make one."""
    agreement = _shareable_agreement(agreement_id)
    can_edit = can_edit_agreement(current_staff(), agreement)
    form = ShareLinkForm()
    if request.method == "POST":
        require(can_edit)
        if form.validate_on_submit():
            return _create(form, agreement=agreement)
        return _links_page(form, can_edit, agreement=agreement), 422
    return _links_page(form, can_edit, agreement=agreement)


@bp.route("/staff/customers/<int:customer_id>/share", methods=["GET", "POST"])
def customer_links(customer_id: int) -> ResponseReturnValue:
    """A customer's share links, and the form to make one."""
    customer = customer_or_404(customer_id)
    can_edit = can_edit_customer(current_staff(), customer)
    form = ShareLinkForm()
    if request.method == "POST":
        require(can_edit)
        if form.validate_on_submit():
            return _create(form, customer=customer)
        return _links_page(form, can_edit, customer=customer), 422
    return _links_page(form, can_edit, customer=customer)


def _link_or_404(link_id: int) -> ShareLink:
    """The link, if the current user may see what it shares."""
    link = db.session.get(ShareLink, link_id)
    if link is None:
        abort(404)
    if link.agreement_id is not None:
        agreement_or_404(link.agreement_id)
    elif link.customer_id is not None:
        customer_or_404(link.customer_id)
    else:
        abort(404)
    return link


def _can_edit_link(link: ShareLink) -> bool:
    if link.agreement is not None:
        return can_edit_agreement(current_staff(), link.agreement)
    return link.customer is not None and can_edit_customer(
        current_staff(), link.customer
    )


def _link_page(link: ShareLink, url: str | None = None) -> str:
    return render_template(
        "engage/sharing/link.html",
        link=link,
        status=service.status_of(link),
        url=url,
        can_edit=_can_edit_link(link),
        back=_back_url(link),
    )


def _back_url(link: ShareLink) -> str:
    if link.agreement_id is not None:
        return url_for(".agreement_links", agreement_id=link.agreement_id)
    return url_for(".customer_links", customer_id=link.customer_id)


@bp.get("/staff/share-links/<int:link_id>")
def link(link_id: int) -> str:
    """One link: what it shares, its status and every view of it."""
    return _link_page(_link_or_404(link_id))


@bp.post("/staff/share-links/<int:link_id>/revoke")
def revoke(link_id: int) -> Response:
    """Stop a link working at once."""
    link = _link_or_404(link_id)
    require(_can_edit_link(link))
    if service.revoke(link):
        audit.record(
            current_staff(),
            "share_link.revoke",
            link,
            f"Revoked the share link {link.label or link.id}",
        )
        db.session.commit()
        flash("Revoked: the link no longer opens the report.", "success")
    return redirect(url_for(".link", link_id=link.id), code=303)


@bp.app_template_global()
def active_share_links(
    agreement: Agreement | None = None, customer: Customer | None = None
) -> int:
    """How many links of an SLA or customer work now (for the page's sharing card)."""
    return service.active_count(agreement=agreement, customer=customer)


@bp.app_template_global()
def can_share_agreement(agreement: Agreement) -> bool:
    """Whether an SLA's page offers sharing at all (corporate SLAs: never)."""
    return service.shareable(agreement)
