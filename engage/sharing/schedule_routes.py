"""Staff pages for monthly report schedules, on the sharing blueprint."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from werkzeug.wrappers import Response

from engage import audit
from engage.auth.access import can_edit_customer, customer_or_404, require
from engage.extensions import db
from engage.models import ReportSchedule
from engage.sharing import schedules
from engage.sharing.forms import ScheduleForm
from engage.sharing.routes import bp, current_staff


def _page(form: ScheduleForm, customer_id: int) -> str:
    customer = customer_or_404(customer_id)
    rows = db.session.scalars(
        db.select(ReportSchedule)
        .where(ReportSchedule.customer_id == customer.id)
        .order_by(ReportSchedule.created_at, ReportSchedule.id)
    ).all()
    return render_template(
        "engage/sharing/schedules.html",
        customer=customer,
        schedules=rows,
        form=form,
        can_edit=can_edit_customer(current_staff(), customer),
        months=schedules.REPORT_MONTHS,
    )


@bp.route(
    "/staff/customers/<int:customer_id>/report-schedules", methods=["GET", "POST"]
)
def customer_schedules(customer_id: int) -> ResponseReturnValue:
    """A customer's monthly report mails, and the form to add one."""
    customer = customer_or_404(customer_id)
    form = ScheduleForm()
    if request.method == "POST":
        require(can_edit_customer(current_staff(), customer))
        if not form.validate_on_submit():
            return _page(form, customer_id), 422
        schedule = schedules.add_schedule(
            customer, form.addresses, not form.leave_out_quotes.data, current_staff()
        )
        audit.record(
            current_staff(),
            "report_schedule.create",
            schedule,
            f"Scheduled a monthly report of {customer.name} "
            f"to {len(form.addresses)} recipient(s)",
            recipients=form.addresses,
            include_quotes=schedule.include_quotes,
        )
        db.session.commit()
        flash(
            "Scheduled: the report goes out on the first run of each month.", "success"
        )
        return redirect(url_for(".customer_schedules", customer_id=customer.id), 303)
    return _page(form, customer_id)


def _schedule_for_edit(schedule_id: int) -> ReportSchedule:
    schedule = db.session.get(ReportSchedule, schedule_id)
    if schedule is None:
        abort(404)
    customer = customer_or_404(schedule.customer_id)
    require(can_edit_customer(current_staff(), customer))
    return schedule


def _done(
    schedule: ReportSchedule, action: str, summary: str, message: str
) -> Response:
    audit.record(current_staff(), action, schedule, summary)
    db.session.commit()
    flash(message, "success")
    return redirect(
        url_for(".customer_schedules", customer_id=schedule.customer_id), 303
    )


@bp.post("/staff/report-schedules/<int:schedule_id>/pause")
def pause_schedule(schedule_id: int) -> Response:
    """Stop sending a schedule's mails until it is resumed."""
    schedule = _schedule_for_edit(schedule_id)
    schedule.active = False
    name = schedule.customer.name
    return _done(
        schedule, "report_schedule.pause", f"Paused a report of {name}", "Paused."
    )


@bp.post("/staff/report-schedules/<int:schedule_id>/resume")
def resume_schedule(schedule_id: int) -> Response:
    """Send a paused schedule's mails again from the next run."""
    schedule = _schedule_for_edit(schedule_id)
    schedule.active = True
    name = schedule.customer.name
    return _done(
        schedule, "report_schedule.resume", f"Resumed a report of {name}", "Resumed."
    )


@bp.post("/staff/report-schedules/<int:schedule_id>/delete")
def delete_schedule(schedule_id: int) -> Response:
    """Delete a schedule; reports already sent stay with their recipients."""
    schedule = _schedule_for_edit(schedule_id)
    customer_id = schedule.customer_id
    audit.record(
        current_staff(),
        "report_schedule.delete",
        schedule,
        f"Deleted a monthly report of {schedule.customer.name}",
        recipients=schedules.recipients_of(schedule),
    )
    db.session.delete(schedule)
    db.session.commit()
    flash("Deleted the schedule.", "success")
    return redirect(url_for(".customer_schedules", customer_id=customer_id), 303)
