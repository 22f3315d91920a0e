"""Data for the survey demo: extra contacts and comments in customers' own words."""

from __future__ import annotations

POSITIVE = [
    "Engineer was quick and friendly.",
    "Really happy with how the migration went, no surprises.",
    "The monthly report is clear and our finance team actually reads it.",
    "Great job on the restore last week, we had the files back within the hour.",
    "Whoever picked up the phone on Friday evening saved our payroll run. Thank you!",
    "Proactive as always: you spotted the disk issue before we did.",
    "Clear updates during the maintenance window, much appreciated.",
    "Solid service this quarter, nothing to complain about.",
    "The new portal makes raising tickets so much easier.",
    "Our account manager knows our setup and it shows.",
    "Fast, competent and polite. Keep it up.",
    "The change was announced well in advance and went exactly as planned.",
]
NEUTRAL = [
    "Fine overall. The portal could be a bit faster.",
    "No major issues this quarter.",
    "Support is OK, but we sometimes have to explain the problem twice.",
    "It would help to have the maintenance calendar a week earlier.",
    "Mostly good. Ticket categories are confusing for our staff.",
    "Service was as expected.",
    "Please send the monthly report as a PDF as well as the link.",
    "We would like a named contact for the cloud platform.",
    "The fix worked, although it took a couple of attempts.",
    "Nothing special to report.",
]
NEGATIVE = [
    "The outage on Tuesday cost us half a day and nobody called us.",
    "Still waiting for a proper root-cause report on the last incident.",
    "Tickets get closed before the problem is actually fixed.",
    "The restore took two days; we were told it would be a few hours.",
    "Slow responses to anything that is not marked urgent.",
    "We had to chase for updates three times during the incident.",
    "Frustrating quarter. The same issue was reopened four times.",
    "Your engineers are helpful, but the escalation process is far too slow.",
]
#: Polite complaints about communication and slow responses: what a watermelon
#: customer writes while every SLA report stays green.
COMMUNICATION = [
    "The numbers in the report look fine, but it does not feel like that on our side.",
    "We only hear from you when we raise a ticket ourselves.",
    "Nobody told us about the maintenance on Saturday; our batch jobs failed.",
    "Each time we call we get someone new who does not know our environment.",
    "I appreciate the effort, but we waited a long time for a simple answer.",
    "We asked for a review meeting twice and are still waiting for a date.",
    "Responses technically arrive within the SLA but say nothing useful.",
    "Updates during incidents are vague. Please tell us what is actually happening.",
    "It takes days to get anything changed, even small things.",
    "With respect, communication has got worse since the spring.",
]

#: More people per customer who answer surveys: (customer, [(name, job title)]).
EXTRA_CONTACTS = {
    "Acme Finance": [
        ("Elena Rossi", "Treasury analyst"),
        ("Mark Jensen", "Accounts payable lead"),
        ("Aisha Bello", "Financial controller"),
        ("Chris Doyle", "ERP administrator"),
        ("Nina Petrova", "Reporting analyst"),
        ("Oscar Lind", "Payroll manager"),
        ("Yuki Tanaka", "Risk officer"),
        ("Ben Carter", "Office manager"),
    ],
    "Acme Operations": [
        ("Paulo Mendes", "Shift supervisor"),
        ("Ingrid Holm", "Maintenance planner"),
        ("Raj Patel", "Quality engineer"),
        ("Sofia Alvarez", "Logistics coordinator"),
    ],
    "Northwind Health": [
        ("Dr Leah Brooks", "Radiology lead"),
        ("Omar Haddad", "Ward systems nurse"),
        ("Julia Weber", "Records manager"),
        ("Kwame Mensah", "Pharmacy systems lead"),
        ("Emma Fischer", "Lab informatics"),
        ("Daniel Cho", "Data protection officer"),
        ("Lucy Grant", "Finance business partner"),
        ("Arjun Rao", "Clinical safety officer"),
        ("Mia Laurent", "Scheduling manager"),
        ("Peter Novak", "Estates IT liaison"),
    ],
    "Globex Logistics": [
        ("Sara Lindqvist", "Warehouse IT lead"),
        ("Tariq Aziz", "Fleet systems manager"),
        ("Helen Park", "Customer service manager"),
        ("Jonas Berg", "Finance manager"),
        ("Carla Ruiz", "HR systems lead"),
        ("Ivan Petrov", "Security analyst"),
        ("Fiona Walsh", "Operations director"),
    ],
}
