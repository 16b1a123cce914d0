"""The business rules behind each operation's 422, in one table.

Every rule the domain checks on a single field is in the request schema (a violation is a
400 from the wire); what is left for 422 compares a field with another field, with another
record or with the clock. `OpenAPI` shows the list on each operation's 422 response
(`openapi_problems.document_problems`), and docs/api.md points to it.
"""

from __future__ import annotations

_TIMESTAMP = "a timestamp without a UTC offset (`must include a UTC offset`)"
_CUSTOMER = "`customerId` names no customer"
_JOB = "`jobId` names no job"
_TECHNICIAN = "`technicianId` names no technician"
_ACTIVE_TECHNICIAN = "the technician is not active"
_TECHNICIAN_USER = "a user with role `technician` has no `technicianId`"
_MONEY = "`amount` has more decimals than `currency` allows (2 for most, 0 for JPY, 3 for KWD)"
_JOB_OF_CUSTOMER = "`jobId` is a job of another customer"
_REFERRAL = (
    "`referralCode` names no customer, the customer would refer itself or the referral "
    "would form a cycle"
)
_CHANNEL = (
    "the customer has no contact detail for `channel`, has opted out of it or has another "
    "preferred method"
)
_SCHEDULE = "`scheduledFor` is in the past"
_MATCH = "`preferredWindow.end` is not after `preferredWindow.start`"

RULES: dict[str, tuple[str, ...]] = {
    "createCustomer": (_REFERRAL,),
    "updateCustomer": (_REFERRAL, "both `referralCode` and `referredById` are given"),
    "setPreferredTechnician": (_TECHNICIAN, _ACTIVE_TECHNICIAN),
    "createUser": (_TECHNICIAN, _TECHNICIAN_USER),
    "updateUser": (_TECHNICIAN, _TECHNICIAN_USER),
    "createTechnician": (),
    "updateTechnician": (),
    "createJob": (
        _CUSTOMER,
        _TECHNICIAN,
        _ACTIVE_TECHNICIAN,
        "`applianceId` is not one of the customer's appliances",
        "`maintenanceAlertId` is not an open or acknowledged alert of the same customer",
        _TIMESTAMP,
    ),
    "updateJob": (
        _TECHNICIAN,
        _ACTIVE_TECHNICIAN,
        "`customerId` differs from the job's customer (a job cannot move)",
        "`applianceId` is not one of the customer's appliances",
        _TIMESTAMP,
    ),
    "assignJob": (_TECHNICIAN, _ACTIVE_TECHNICIAN),
    "createPayment": (_CUSTOMER, _JOB, _JOB_OF_CUSTOMER, _MONEY, _TIMESTAMP),
    "updatePayment": (_CUSTOMER, _JOB, _JOB_OF_CUSTOMER, _MONEY, _TIMESTAMP),
    "createExpense": (_CUSTOMER, _JOB, _JOB_OF_CUSTOMER, _MONEY, _TIMESTAMP),
    "updateExpense": (_CUSTOMER, _JOB, _JOB_OF_CUSTOMER, _MONEY, _TIMESTAMP),
    "createAppliance": (
        _CUSTOMER,
        "`lastServiceDate` is after now",
        _TIMESTAMP,
    ),
    "updateAppliance": (_CUSTOMER, "an appliance cannot move to another customer"),
    "createReview": (
        _CUSTOMER,
        _JOB,
        "`customerId` is not the job's customer",
        "`technicianId` is not the job's technician, or the job has none",
    ),
    "rateCustomerTechnician": (
        _TECHNICIAN,
        _JOB,
        "`jobId` is not a job of this customer done by this technician",
    ),
    "createFollowUp": (
        _JOB,
        "`customerId` is not the job's customer",
        _TIMESTAMP,
        _CHANNEL,
        _SCHEDULE,
    ),
    "updateFollowUp": ("the status change is not allowed from the current status", _TIMESTAMP),
    "sendFollowUp": ("no `body` and no suggestion to send", _CHANNEL, _SCHEDULE, _TIMESTAMP),
    "dismissFollowUp": ("`reason` is blank",),
    "createMessage": (
        _CUSTOMER,
        "`followUpId` is not a follow-up of the same customer",
        _CHANNEL,
        _SCHEDULE,
        _TIMESTAMP,
    ),
    "setCustomerConsent": (),
    "matchTechnician": (_CUSTOMER, _MATCH, _TIMESTAMP),
    "completeCallTask": (),
    "dismissMaintenanceAlert": (),
}


def unprocessable_description(operation_id: str | None, general: str) -> str:
    """The 422 description of `operation_id`: `general`, then the rules it can refuse."""
    rules = RULES.get(operation_id or "")
    if not rules:
        return f"{general} This operation has no rule of its own beyond the shared ones."
    return general + " Its rules: " + "; ".join(rules) + "."
