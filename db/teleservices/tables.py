"""Téléservices: the family asks (bourse, orientation), the school decides.

A campaign opens one téléservice for one school year between two dates. The bourse scale is data
(amounts per échelon, income ceilings per number of dependent children), edited by the school's
administrator each year. Every change of state of a request is one `teleservice_event` row: who,
when, from which state to which, and the message that went with it.

A guardian's change of contact details is one `contact_change` row: a new phone or e-mail waits
for the code sent to it, a postal address applies at once; the school reads them as a dated log.
A campaign's or a scale's change by the administrator is one `teleservice_setting_change` row.
"""

from piccolo.columns import UUID, Array, Boolean, Date, Integer, Text, Timestamptz, Varchar
from piccolo.table import Table

from db.columns import created_at, primary_key, ref, school_key
from db.core.tables import SchoolYear, User
from db.sharding import Ref


class TeleserviceCampaign(Table, tablename="teleservice_campaign"):
    """One téléservice open for one school year: families act between `opens_on` and `closes_on`
    (file a bourse, enter wishes) and may answer the school until `replies_until`."""

    id = primary_key()
    school_id = school_key()
    school_year_id = ref()
    service = Varchar(length=30)  # bourse_college | bourse_lycee | orientation_provisional | orientation_final
    level = Varchar(length=10, default="")  # orientation only: 3e | 2de
    opens_on = Date()
    closes_on = Date()
    replies_until = Date()
    updated_at = Timestamptz()
    # Cancelled before it opened: it reads "Annulé" and families never act in it (setting its dates again
    # brings it back).
    cancelled_at = Timestamptz(null=True, default=None)


class BourseEchelon(Table, tablename="bourse_echelon"):
    """The yearly amount of one échelon of one scale (collège or lycée) for one school year."""

    id = primary_key()
    school_id = school_key()
    school_year_id = ref()
    scale = Varchar(length=10)  # college | lycee
    echelon = Integer()
    yearly_amount_cents = Integer()


class BourseCeiling(Table, tablename="bourse_ceiling"):
    """The highest reference tax income that still gives `echelon`, for a number of dependent
    children (the largest number listed applies to every larger family)."""

    id = primary_key()
    school_id = school_key()
    school_year_id = ref()
    scale = Varchar(length=10)
    dependent_children = Integer()
    echelon = Integer()
    max_income = Integer()  # euros, revenu fiscal de référence


class BourseRequest(Table, tablename="bourse_request"):
    id = primary_key()
    school_id = school_key()
    campaign_id = ref()
    student_id = ref()
    filed_by_id = ref()  # the legal guardian who owns the request; the others read it
    state = Varchar(length=12, default="draft")  # draft filed incomplete completed granted refused withdrawn
    dependent_children = Integer(null=True, default=None)
    reference_income = Integer(null=True, default=None)  # euros
    sworn_statement = Boolean(default=False)
    echelon = Integer(null=True, default=None)
    yearly_amount_cents = Integer(null=True, default=None)
    decision_reason = Text(default="")
    created_at = created_at()
    updated_at = Timestamptz()


class BoursePiece(Table, tablename="bourse_piece"):
    """A file sent with a bourse request: the tax notice, or a piece the school asked for."""

    id = primary_key()
    school_id = school_key()
    request_id = ref()
    kind = Varchar(length=12)  # tax_notice | additional
    filename = Varchar(length=200)
    content_type = Varchar(length=100)
    size_bytes = Integer()
    storage_key = Varchar(length=100)  # opaque name on disk (api/attachments.py)
    uploaded_by_id = ref()
    client_id = Varchar(length=64, default="")  # idempotency key of the upload ("" if none)
    created_at = created_at()


class OrientationForm(Table, tablename="orientation_form"):
    """The fiche dialogue of one student for one phase (a campaign)."""

    id = primary_key()
    school_id = school_key()
    campaign_id = ref()
    student_id = ref()
    state = Varchar(length=12, default="draft")  # draft submitted answered accepted declined
    council_comment = Text(default="")
    answered_at = Timestamptz(null=True, default=None)
    responded_by_id = ref(null=True)  # the guardian whose answer is the family's (the first one)
    responded_at = Timestamptz(null=True, default=None)
    response_comment = Text(default="")
    meeting_requested = Boolean(default=False)  # declining asks for a meeting with the head of school
    created_at = created_at()
    updated_at = Timestamptz()


class OrientationWish(Table, tablename="orientation_wish"):
    """A ranked wish of the family, or the council's own proposal (origin "council"), and the
    council's opinion of it. A wish the family saved and never sent, kept when the council proposed
    without wishes, is "unsent": the family's own, never the school's to read."""

    id = primary_key()
    school_id = school_key()
    form_id = ref()
    origin = Varchar(length=8, default="family")  # family | council | unsent
    rank = Integer()
    track = Varchar(length=10)  # 2gt | 2pro | cap | 1g | 1t
    detail = Varchar(length=120, default="")  # the field of a 2de pro or CAP, the series of a 1re techno
    specialities = Array(base_column=Varchar(length=10), default=list)  # 1re générale: three codes
    opinion = Varchar(length=12, default="")  # "" | favourable | reserved | unfavourable
    comment = Text(default="")


class TeleserviceEvent(Table, tablename="teleservice_event"):
    """One change of a request (a bourse request or an orientation form, exactly one of them)."""

    id = primary_key()
    school_id = school_key()
    bourse_request_id = ref(null=True)
    orientation_form_id = ref(null=True)
    action = Varchar(length=20)
    from_state = Varchar(length=12, default="")
    to_state = Varchar(length=12)
    actor_id = ref()
    message = Text(default="")
    client_id = Varchar(length=64, default="")  # idempotency key of the action ("" if none)
    created_at = created_at()


class PostalAddress(Table, tablename="postal_address"):
    """A legal guardian's postal address (one per account; changed through `contact_change`)."""

    id = primary_key()
    school_id = school_key()
    user_id = ref()
    line1 = Varchar(length=120)
    line2 = Varchar(length=120, default="")
    postcode = Varchar(length=10)
    city = Varchar(length=80)
    updated_at = Timestamptz()


class ContactChange(Table, tablename="contact_change"):
    """A guardian changes a phone, an e-mail or a postal address.

    A new phone or e-mail stays `pending` until the code sent to it is entered (the code lives in
    `verification_code`, accounts app: `verification_id`), then `applied`; asking again for the
    same detail `cancelled`s the previous pending change. An address is `applied` at once.

    A phone or e-mail confirmed on one account reaches the same person's accounts in other schools
    (api/teleservices/contact_others.py): there it is a row of that school, `origin` "elsewhere",
    `applied` at once or `offered` (the account's owner confirms it, with a code, when signed in there).
    """

    id = primary_key()
    school_id = school_key()
    user_id = ref()
    field = Varchar(length=8)  # phone | email | address
    old_value = Text(default="")
    new_value = Text()
    state = Varchar(length=10, default="pending")  # pending | applied | cancelled | offered
    verification_id = UUID(null=True, default=None)  # the code's row (no FK: codes may be purged, the log stays)
    client_id = Varchar(length=64, default="")  # idempotency key of the request ("" if none)
    created_at = created_at()
    applied_at = Timestamptz(null=True, default=None)
    origin = Varchar(length=10, default="")  # "" (the guardian, here) | elsewhere (their account in another school)
    # The names of the other schools whose account of the same person took the change, or was offered it.
    applied_elsewhere = Array(base_column=Varchar(length=200), default=list)
    offered_elsewhere = Array(base_column=Varchar(length=200), default=list)


class TeleserviceSettingChange(Table, tablename="teleservice_setting_change"):
    """Who changed a campaign (dates, cancellation) or a bourse scale, when, and from what to what."""

    id = primary_key()
    school_id = school_key()
    school_year_id = ref()
    subject = Varchar(length=10)  # campaign | scale
    name = Varchar(length=30)  # the service (campaign) or the scale (college | lycee)
    level = Varchar(length=10, default="")  # orientation campaigns: 3e | 2de
    action = Varchar(length=10)  # create | dates | cancel | replace
    detail = Text(default="")  # before → after, in French
    actor_id = ref()
    created_at = created_at()


SHARDED_TABLES = [
    TeleserviceCampaign,
    BourseEchelon,
    BourseCeiling,
    BourseRequest,
    BoursePiece,
    OrientationForm,
    OrientationWish,
    TeleserviceEvent,
    PostalAddress,
    ContactChange,
    TeleserviceSettingChange,
]
REFERENCES = [
    Ref(TeleserviceCampaign, "school_year_id", SchoolYear, "CASCADE"),
    Ref(BourseEchelon, "school_year_id", SchoolYear, "CASCADE"),
    Ref(BourseCeiling, "school_year_id", SchoolYear, "CASCADE"),
    Ref(BourseRequest, "campaign_id", TeleserviceCampaign, "CASCADE"),
    Ref(BourseRequest, "student_id", User, "CASCADE"),
    Ref(BourseRequest, "filed_by_id", User),
    Ref(BoursePiece, "request_id", BourseRequest, "CASCADE"),
    Ref(BoursePiece, "uploaded_by_id", User),
    Ref(OrientationForm, "campaign_id", TeleserviceCampaign, "CASCADE"),
    Ref(OrientationForm, "student_id", User, "CASCADE"),
    Ref(OrientationForm, "responded_by_id", User),
    Ref(OrientationWish, "form_id", OrientationForm, "CASCADE"),
    Ref(TeleserviceEvent, "bourse_request_id", BourseRequest, "CASCADE"),
    Ref(TeleserviceEvent, "orientation_form_id", OrientationForm, "CASCADE"),
    Ref(TeleserviceEvent, "actor_id", User),
    Ref(PostalAddress, "user_id", User, "CASCADE"),
    Ref(ContactChange, "user_id", User, "CASCADE"),
    Ref(TeleserviceSettingChange, "school_year_id", SchoolYear, "CASCADE"),
    Ref(TeleserviceSettingChange, "actor_id", User),
]
INDEXES = [
    "CREATE UNIQUE INDEX teleservice_campaign_uq ON teleservice_campaign (school_id, school_year_id, service, level)",
    "CREATE UNIQUE INDEX bourse_echelon_uq ON bourse_echelon (school_id, school_year_id, scale, echelon)",
    (
        "CREATE UNIQUE INDEX bourse_ceiling_uq ON bourse_ceiling "
        "(school_id, school_year_id, scale, dependent_children, echelon)"
    ),
    # One request per child and campaign (a campaign is one téléservice of one school year).
    "CREATE UNIQUE INDEX bourse_request_uq ON bourse_request (school_id, campaign_id, student_id)",
    "CREATE UNIQUE INDEX orientation_form_uq ON orientation_form (school_id, campaign_id, student_id)",
    "CREATE UNIQUE INDEX orientation_wish_uq ON orientation_wish (school_id, form_id, origin, rank)",
    (
        "CREATE UNIQUE INDEX bourse_piece_client_uq ON bourse_piece (school_id, request_id, client_id) "
        "WHERE client_id <> ''"
    ),
    (
        "CREATE UNIQUE INDEX teleservice_event_bourse_client_uq ON teleservice_event "
        "(school_id, bourse_request_id, client_id) WHERE client_id <> '' AND bourse_request_id IS NOT NULL"
    ),
    (
        "CREATE UNIQUE INDEX teleservice_event_orientation_client_uq ON teleservice_event "
        "(school_id, orientation_form_id, client_id) WHERE client_id <> '' AND orientation_form_id IS NOT NULL"
    ),
    (
        "ALTER TABLE teleservice_event ADD CONSTRAINT teleservice_event_one_request "
        "CHECK (num_nonnulls(bourse_request_id, orientation_form_id) = 1)"
    ),
    "CREATE UNIQUE INDEX postal_address_uq ON postal_address (school_id, user_id)",
    (
        "CREATE UNIQUE INDEX contact_change_client_uq ON contact_change (school_id, user_id, client_id) "
        "WHERE client_id <> ''"
    ),
    "CREATE INDEX contact_change_applied_idx ON contact_change (school_id, applied_at DESC) WHERE state = 'applied'",
    (
        "CREATE INDEX teleservice_setting_change_year_idx ON teleservice_setting_change "
        "(school_id, school_year_id, created_at DESC)"
    ),
]
