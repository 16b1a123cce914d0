"""The field map of each aggregate (outbox messages: `domain/messaging/message_fields.py`).

Fields are listed in column order. The SQL repositories store exactly these fields; the audit
trail records the audited ones (see `domain/audit_fields.py`).
"""

from __future__ import annotations

from domain.appliance import Appliance, ApplianceDetails
from domain.audit import AuditAction, AuditEntry, length_only, masked_email, masked_phone
from domain.contact_preferences import ContactMethod, ContactPreferences, ContactTimes, Frequency
from domain.customer import Customer, CustomerDetails
from domain.expense import Expense, ExpenseDetails
from domain.field_codecs import INSTANT, MONEY, TUPLE, Converted, enum_of
from domain.field_map import CREATED_AT, UPDATED_AT, Field, FieldMap
from domain.follow_up import FollowUp, FollowUpStatus
from domain.job import Job, JobDetails, JobStatus
from domain.maintenance_alert import AlertStatus, MaintenanceAlert
from domain.payment import Payment, PaymentDetails, PaymentMethod
from domain.review import Review, TechnicianRating
from domain.technician import Technician, TechnicianDetails
from domain.user import Role, User

CONTACT_TIMES = Converted(ContactTimes.to_document, ContactTimes.parse)

CUSTOMER_FIELDS = FieldMap(
    Customer,
    (
        Field("name", "details.name"),
        Field("phone", "details.phone", mask=masked_phone),
        Field("email", "details.email", mask=masked_email),
        *Field.many("address time_zone", part="details"),
        Field("notes", "details.notes", mask=length_only),
        CREATED_AT,
        Field("referral_code", audited=False),
        *Field.many("referred_by_id preferred_technician_id"),
        Field("preferred_contact_method", "preferences.method", enum_of(ContactMethod)),
        Field("preferred_contact_times", "preferences.times", CONTACT_TIMES),
        Field("communication_frequency_preference", "preferences.frequency", enum_of(Frequency)),
        Field("language_preference", "preferences.language"),
        Field("marketing_consent"),
    ),
    parts={"details": CustomerDetails, "preferences": ContactPreferences},
)

TECHNICIAN_FIELDS = FieldMap(
    Technician,
    (
        *Field.many("name phone email", part="details"),
        Field("skills", "details.skills", TUPLE),
        Field("active", "details.active"),
        CREATED_AT,
    ),
    parts={"details": TechnicianDetails},
)

JOB_FIELDS = FieldMap(
    Job,
    (
        *Field.many("customer_id technician_id description appliance notes", part="details"),
        Field("scheduled_for", "details.scheduled_for", INSTANT),
        Field("status", codec=enum_of(JobStatus)),
        *Field.many("started_at completion_date cancelled_at created_at", codec=INSTANT),
        Field("appliance_id", "details.appliance_id"),
        Field("maintenance_alert_id"),
    ),
    parts={"details": JobDetails},
)

PAYMENT_FIELDS = FieldMap(
    Payment,
    (
        *Field.many("customer_id job_id", part="details"),
        Field("amount", "details.amount", MONEY),
        Field("payment_method", "details.payment_method", enum_of(PaymentMethod)),
        Field("reference", "details.reference"),
        Field("paid_at", "details.paid_at", INSTANT),
        CREATED_AT,
    ),
    parts={"details": PaymentDetails},
)

EXPENSE_FIELDS = FieldMap(
    Expense,
    (
        *Field.many("customer_id job_id", part="details"),
        Field("amount", "details.amount", MONEY),
        *Field.many("category description", part="details"),
        Field("incurred_at", "details.incurred_at", INSTANT),
        CREATED_AT,
    ),
    parts={"details": ExpenseDetails},
)

USER_FIELDS = FieldMap(
    User,
    (
        *Field.many("username password_hash"),
        Field("role", codec=enum_of(Role)),
        *Field.many("active technician_id"),
        CREATED_AT,
    ),
)

APPLIANCE_FIELDS = FieldMap(
    Appliance,
    (
        *Field.many(
            "customer_id type brand model_number serial_number installed_on", part="details"
        ),
        Field("last_service_date", codec=INSTANT),
        Field("job_id"),
        CREATED_AT,
        UPDATED_AT,
    ),
    parts={"details": ApplianceDetails},
)

REVIEW_FIELDS = FieldMap(
    Review, (*Field.many("job_id customer_id technician_id rating comment"), CREATED_AT)
)

TECHNICIAN_RATING_FIELDS = FieldMap(
    TechnicianRating, (*Field.many("customer_id technician_id job_id rating"), CREATED_AT)
)

FOLLOW_UP_FIELDS = FieldMap(
    FollowUp,
    (
        *Field.many("job_id customer_id"),
        Field("status", codec=enum_of(FollowUpStatus)),
        *Field.many("satisfaction_rating feedback"),
        Field("follow_up_date", codec=INSTANT),
        CREATED_AT,
        *Field.many("suggestion suggestion_key"),
    ),
)

MAINTENANCE_ALERT_FIELDS = FieldMap(
    MaintenanceAlert,
    (
        *Field.many("appliance_id customer_id due_date confidence reason"),
        Field("status", codec=enum_of(AlertStatus)),
        CREATED_AT,
        UPDATED_AT,
        Field("dismiss_reason"),
        Field("dismissed_at", codec=INSTANT),
        Field("dismissed_by"),
    ),
)

AUDIT_ENTRY_FIELDS = FieldMap(
    AuditEntry,
    (
        Field("occurred_at", codec=INSTANT),
        *Field.many("actor_user_id actor_role"),
        Field("action", codec=enum_of(AuditAction)),
        *Field.many("entity entity_id customer_id changes source"),
    ),
)
