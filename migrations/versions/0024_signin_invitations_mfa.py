"""sign in with the council's own account, invitations and the second factor: a city's Entra ID
tenant and Google domain, linked council accounts, invitations, TOTP authenticators and recovery
codes

Revision ID: 0024
Revises: 0023
"""

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def _when(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    with op.batch_alter_table("city") as batch:
        batch.add_column(sa.Column("entra_tenant_id", sa.String(length=36), nullable=True))
        batch.add_column(sa.Column("google_domain", sa.String(length=253), nullable=True))
        batch.create_unique_constraint(batch.f("uq_city_entra_tenant_id"), ["entra_tenant_id"])
        batch.create_unique_constraint(batch.f("uq_city_google_domain"), ["google_domain"])

    op.create_table(
        "external_identity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("provider", sa.String(length=20), nullable=False),
        sa.Column("tenant", sa.String(length=253), nullable=False),
        sa.Column("subject", sa.String(length=255), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        _when("created_at", nullable=False),
        _when("last_used_at"),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_external_identity_user_id_user"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_external_identity")),
        sa.UniqueConstraint("provider", "tenant", "subject", name=op.f("uq_external_identity_provider_tenant_subject")),
    )
    op.create_index("ix_external_identity_user_id", "external_identity", ["user_id"], unique=False)

    op.create_table(
        "totp_authenticator",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("secret_sealed", sa.String(length=400), nullable=False),
        _when("created_at", nullable=False),
        _when("confirmed_at"),
        sa.Column("last_step", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_totp_authenticator_user_id_user"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_totp_authenticator")),
        sa.UniqueConstraint("user_id", name=op.f("uq_totp_authenticator_user_id")),
    )

    op.create_table(
        "recovery_code",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        _when("created_at", nullable=False),
        _when("used_at"),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_recovery_code_user_id_user"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recovery_code")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_recovery_code_code_hash")),
    )
    op.create_index("ix_recovery_code_user_id", "recovery_code", ["user_id"], unique=False)

    op.create_table(
        "invitation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("city_id", sa.Integer(), nullable=True),
        sa.Column("consultation_id", sa.Integer(), nullable=True),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("nonce", sa.String(length=64), nullable=False),
        sa.Column("invited_by_id", sa.Integer(), nullable=True),
        _when("created_at", nullable=False),
        _when("sent_at", nullable=False),
        _when("expires_at", nullable=False),
        sa.Column("times_sent", sa.Integer(), nullable=False),
        _when("accepted_at"),
        sa.Column("accepted_with", sa.String(length=20), nullable=False),
        _when("revoked_at"),
        sa.Column("revoked_by_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_invitation_user_id_user"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["city_id"], ["city.id"], name=op.f("fk_invitation_city_id_city"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["consultation_id"], ["consultation.id"],
                                name=op.f("fk_invitation_consultation_id_consultation"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["invited_by_id"], ["user.id"], name=op.f("fk_invitation_invited_by_id_user"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["revoked_by_id"], ["user.id"], name=op.f("fk_invitation_revoked_by_id_user"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invitation")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_invitation_token_hash")),
    )
    op.create_index("ix_invitation_user_id", "invitation", ["user_id"], unique=False)
    op.create_index("ix_invitation_email", "invitation", ["email"], unique=False)
    op.create_index("ix_invitation_city_id", "invitation", ["city_id"], unique=False)
    op.create_index("ix_invitation_consultation_id", "invitation", ["consultation_id"], unique=False)


def downgrade() -> None:
    op.drop_table("invitation")
    op.drop_table("recovery_code")
    op.drop_table("totp_authenticator")
    op.drop_table("external_identity")
    with op.batch_alter_table("city") as batch:
        batch.drop_constraint("uq_city_google_domain", type_="unique")
        batch.drop_constraint("uq_city_entra_tenant_id", type_="unique")
        batch.drop_column("google_domain")
        batch.drop_column("entra_tenant_id")
