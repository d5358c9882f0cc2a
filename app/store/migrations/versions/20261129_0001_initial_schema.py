"""Initial schema: imports, bank entries and book items, matching, cases, users, audit, LLM calls, scorecards.

Revision ID: 0001
Revises:
Create Date: 2026-11-29 12:28:25.305512
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import breakdesk.app.store.types

revision: str = '0001'
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('audit_chain_head',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('seq', sa.BigInteger(), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.Column('updated_at', breakdesk.app.store.types.UtcDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_chain_head'))
    )
    # The chain head every audit append locks; seq 0 and the genesis hash mean "no record yet".
    op.bulk_insert(
        sa.table('audit_chain_head', sa.column('id', sa.Integer), sa.column('seq', sa.BigInteger),
                 sa.column('hash', sa.String), sa.column('updated_at', breakdesk.app.store.types.UtcDateTime())),
        [{'id': 1, 'seq': 0, 'hash': '0' * 64, 'updated_at': datetime.now(UTC)}],
    )
    op.create_table('audit_log',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('seq', sa.BigInteger(), nullable=False),
    sa.Column('at', breakdesk.app.store.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('object_type', sa.String(length=32), nullable=False),
    sa.Column('object_id', sa.String(length=64), nullable=True),
    sa.Column('before', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.Column('after', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log')),
    sa.UniqueConstraint('hash', name=op.f('uq_audit_log_hash')),
    sa.UniqueConstraint('seq', name=op.f('uq_audit_log_seq'))
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_log_action'), ['action'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_log_actor'), ['actor'], unique=False)

    op.create_table('cases',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('reason_code', sa.String(length=35), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=True),
    sa.Column('payment_ids', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('severity', sa.String(length=8), nullable=False),
    sa.Column('assignee', sa.String(length=64), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', breakdesk.app.store.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', breakdesk.app.store.types.UtcDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cases'))
    )
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cases_assignee'), ['assignee'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_reason_code'), ['reason_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_state'), ['state'], unique=False)

    op.create_table('import_batches',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('file_name', sa.String(length=512), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('imported_at', breakdesk.app.store.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('imported_by', sa.String(length=64), nullable=False),
    sa.Column('message_count', sa.Integer(), nullable=False),
    sa.Column('bank_entry_count', sa.Integer(), nullable=False),
    sa.Column('book_item_count', sa.Integer(), nullable=False),
    sa.Column('duplicate_count', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_batches')),
    sa.UniqueConstraint('sha256', 'kind', name=op.f('uq_import_batches_sha256_kind'))
    )
    op.create_table('match_runs',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('started_at', breakdesk.app.store.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('finished_at', breakdesk.app.store.types.UtcDateTime(timezone=True), nullable=True),
    sa.Column('started_by', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('matcher_version', sa.String(length=64), nullable=True),
    sa.Column('parameters', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('stats', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_match_runs'))
    )
    op.create_table('scorecards',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('suite', sa.String(length=100), nullable=False),
    sa.Column('model', sa.String(length=200), nullable=True),
    sa.Column('payload', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('prompt_hashes', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('passed', sa.Boolean(), nullable=True),
    sa.Column('created_at', breakdesk.app.store.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('approved_by', sa.String(length=64), nullable=True),
    sa.Column('approved_at', breakdesk.app.store.types.UtcDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scorecards'))
    )
    with op.batch_alter_table('scorecards', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scorecards_suite'), ['suite'], unique=False)

    op.create_table('users',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('display_name', sa.String(length=140), nullable=True),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('password_hash', sa.String(length=80), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', breakdesk.app.store.types.UtcDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('username', name=op.f('uq_users_username'))
    )
    op.create_table('case_events',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('case_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('at', breakdesk.app.store.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('event_type', sa.String(length=32), nullable=False),
    sa.Column('payload', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_events_case_id_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_events'))
    )
    with op.batch_alter_table('case_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_events_case_id'), ['case_id'], unique=False)

    op.create_table('llm_calls',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('prompt_id', sa.String(length=100), nullable=False),
    sa.Column('prompt_hash', sa.String(length=64), nullable=False),
    sa.Column('provider', sa.String(length=32), nullable=False),
    sa.Column('model', sa.String(length=200), nullable=False),
    sa.Column('tokens_in', sa.Integer(), nullable=True),
    sa.Column('tokens_out', sa.Integer(), nullable=True),
    sa.Column('latency_ms', sa.Integer(), nullable=True),
    sa.Column('case_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('created_at', breakdesk.app.store.types.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_llm_calls_case_id_cases'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_llm_calls'))
    )
    with op.batch_alter_table('llm_calls', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_llm_calls_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_llm_calls_prompt_id'), ['prompt_id'], unique=False)

    op.create_table('match_suggestions',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('run_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('parent_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('confidence', sa.Float(), nullable=False),
    sa.Column('reasons', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('decision_state', sa.String(length=12), nullable=False),
    sa.Column('decided_by', sa.String(length=64), nullable=True),
    sa.Column('decided_at', breakdesk.app.store.types.UtcDateTime(timezone=True), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', breakdesk.app.store.types.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['parent_id'], ['match_suggestions.id'], name=op.f('fk_match_suggestions_parent_id_match_suggestions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['run_id'], ['match_runs.id'], name=op.f('fk_match_suggestions_run_id_match_runs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_match_suggestions'))
    )
    with op.batch_alter_table('match_suggestions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_match_suggestions_decision_state'), ['decision_state'], unique=False)
        batch_op.create_index(batch_op.f('ix_match_suggestions_parent_id'), ['parent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_match_suggestions_run_id'), ['run_id'], unique=False)

    op.create_table('messages',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('batch_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('file_name', sa.String(length=512), nullable=False),
    sa.Column('message_index', sa.Integer(), nullable=False),
    sa.Column('message_type', sa.String(length=40), nullable=False),
    sa.Column('family', sa.String(length=20), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('message_ref', sa.String(length=64), nullable=True),
    sa.Column('payload', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['import_batches.id'], name=op.f('fk_messages_batch_id_import_batches'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_messages')),
    sa.UniqueConstraint('batch_id', 'message_index', name=op.f('uq_messages_batch_id_message_index'))
    )
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_messages_batch_id'), ['batch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_messages_family'), ['family'], unique=False)
        batch_op.create_index(batch_op.f('ix_messages_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_messages_message_ref'), ['message_ref'], unique=False)

    op.create_table('repairs',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('case_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('payload', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('proposed_by', sa.String(length=64), nullable=False),
    sa.Column('editors', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('decided_by', sa.String(length=64), nullable=True),
    sa.Column('decided_at', breakdesk.app.store.types.UtcDateTime(timezone=True), nullable=True),
    sa.Column('decision_reason', sa.Text(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', breakdesk.app.store.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', breakdesk.app.store.types.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_repairs_case_id_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_repairs'))
    )
    with op.batch_alter_table('repairs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_repairs_case_id'), ['case_id'], unique=False)

    op.create_table('bank_entries',
    sa.Column('amount', breakdesk.app.store.types.Amount(precision=28, scale=8), nullable=True),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('batch_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('account', sa.String(length=64), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('credit_debit', sa.String(length=4), nullable=False),
    sa.Column('booking_date', sa.Date(), nullable=True),
    sa.Column('value_date', sa.Date(), nullable=True),
    sa.Column('end_to_end_id', sa.String(length=64), nullable=True),
    sa.Column('instruction_id', sa.String(length=64), nullable=True),
    sa.Column('transaction_id', sa.String(length=64), nullable=True),
    sa.Column('payment_info_id', sa.String(length=64), nullable=True),
    sa.Column('message_ref', sa.String(length=64), nullable=True),
    sa.Column('uetr', sa.String(length=36), nullable=True),
    sa.Column('clearing_system_reference', sa.String(length=64), nullable=True),
    sa.Column('other_references', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('counterparty_name', sa.String(length=255), nullable=True),
    sa.Column('counterparty_account', sa.String(length=64), nullable=True),
    sa.Column('counterparty_bic', sa.String(length=35), nullable=True),
    sa.Column('remittance_text', sa.Text(), nullable=True),
    sa.Column('provenance', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('idempotency_key', sa.String(length=64), nullable=False),
    sa.Column('created_at', breakdesk.app.store.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('message_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('parent_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('level', sa.String(length=8), nullable=False),
    sa.Column('detail_index', sa.Integer(), nullable=True),
    sa.Column('statement_kind', sa.String(length=16), nullable=False),
    sa.Column('statement_ref', sa.String(length=64), nullable=True),
    sa.Column('entry_status', sa.String(length=8), nullable=True),
    sa.Column('reversal', sa.Boolean(), nullable=False),
    sa.Column('entry_reference', sa.String(length=64), nullable=True),
    sa.Column('account_servicer_reference', sa.String(length=64), nullable=True),
    sa.Column('account_owner_reference', sa.String(length=64), nullable=True),
    sa.Column('mandate_id', sa.String(length=64), nullable=True),
    sa.Column('cheque_number', sa.String(length=64), nullable=True),
    sa.Column('bank_transaction_code', sa.String(length=64), nullable=True),
    sa.Column('return_reason', sa.String(length=35), nullable=True),
    sa.Column('batch_count', sa.Integer(), nullable=True),
    sa.Column('additional_info', sa.Text(), nullable=True),
    sa.Column('matched_suggestion_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.ForeignKeyConstraint(['batch_id'], ['import_batches.id'], name=op.f('fk_bank_entries_batch_id_import_batches'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['matched_suggestion_id'], ['match_suggestions.id'], name=op.f('fk_bank_entries_matched_suggestion_id_match_suggestions'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['message_id'], ['messages.id'], name=op.f('fk_bank_entries_message_id_messages'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['parent_id'], ['bank_entries.id'], name=op.f('fk_bank_entries_parent_id_bank_entries'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bank_entries')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_bank_entries_idempotency_key'))
    )
    with op.batch_alter_table('bank_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bank_entries_account'), ['account'], unique=False)
        batch_op.create_index(batch_op.f('ix_bank_entries_account_owner_reference'), ['account_owner_reference'], unique=False)
        batch_op.create_index(batch_op.f('ix_bank_entries_account_servicer_reference'), ['account_servicer_reference'], unique=False)
        batch_op.create_index(batch_op.f('ix_bank_entries_batch_id'), ['batch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_bank_entries_booking_date'), ['booking_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_bank_entries_end_to_end_id'), ['end_to_end_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_bank_entries_instruction_id'), ['instruction_id'], unique=False)
        batch_op.create_index('ix_bank_entries_match', ['currency', 'amount'], unique=False)
        batch_op.create_index(batch_op.f('ix_bank_entries_matched_suggestion_id'), ['matched_suggestion_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_bank_entries_message_id'), ['message_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_bank_entries_parent_id'), ['parent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_bank_entries_uetr'), ['uetr'], unique=False)

    op.create_table('book_items',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('batch_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('account', sa.String(length=64), nullable=True),
    sa.Column('amount', breakdesk.app.store.types.Amount(precision=28, scale=8), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('credit_debit', sa.String(length=4), nullable=False),
    sa.Column('booking_date', sa.Date(), nullable=True),
    sa.Column('value_date', sa.Date(), nullable=True),
    sa.Column('end_to_end_id', sa.String(length=64), nullable=True),
    sa.Column('instruction_id', sa.String(length=64), nullable=True),
    sa.Column('transaction_id', sa.String(length=64), nullable=True),
    sa.Column('payment_info_id', sa.String(length=64), nullable=True),
    sa.Column('message_ref', sa.String(length=64), nullable=True),
    sa.Column('uetr', sa.String(length=36), nullable=True),
    sa.Column('clearing_system_reference', sa.String(length=64), nullable=True),
    sa.Column('other_references', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('counterparty_name', sa.String(length=255), nullable=True),
    sa.Column('counterparty_account', sa.String(length=64), nullable=True),
    sa.Column('counterparty_bic', sa.String(length=35), nullable=True),
    sa.Column('remittance_text', sa.Text(), nullable=True),
    sa.Column('provenance', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('idempotency_key', sa.String(length=64), nullable=False),
    sa.Column('created_at', breakdesk.app.store.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('message_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('external_id', sa.String(length=64), nullable=True),
    sa.Column('reference', sa.String(length=140), nullable=True),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('line_number', sa.Integer(), nullable=True),
    sa.Column('raw', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.Column('matched_suggestion_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.ForeignKeyConstraint(['batch_id'], ['import_batches.id'], name=op.f('fk_book_items_batch_id_import_batches'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['matched_suggestion_id'], ['match_suggestions.id'], name=op.f('fk_book_items_matched_suggestion_id_match_suggestions'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['message_id'], ['messages.id'], name=op.f('fk_book_items_message_id_messages'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_book_items')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_book_items_idempotency_key'))
    )
    with op.batch_alter_table('book_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_book_items_account'), ['account'], unique=False)
        batch_op.create_index(batch_op.f('ix_book_items_batch_id'), ['batch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_book_items_booking_date'), ['booking_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_book_items_end_to_end_id'), ['end_to_end_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_book_items_external_id'), ['external_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_book_items_instruction_id'), ['instruction_id'], unique=False)
        batch_op.create_index('ix_book_items_match', ['currency', 'amount'], unique=False)
        batch_op.create_index(batch_op.f('ix_book_items_matched_suggestion_id'), ['matched_suggestion_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_book_items_message_id'), ['message_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_book_items_uetr'), ['uetr'], unique=False)

    op.create_table('match_decisions',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('suggestion_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('action', sa.String(length=8), nullable=False),
    sa.Column('decided_by', sa.String(length=64), nullable=False),
    sa.Column('decided_at', breakdesk.app.store.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('from_version', sa.Integer(), nullable=False),
    sa.Column('payload', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.ForeignKeyConstraint(['suggestion_id'], ['match_suggestions.id'], name=op.f('fk_match_decisions_suggestion_id_match_suggestions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_match_decisions'))
    )
    with op.batch_alter_table('match_decisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_match_decisions_suggestion_id'), ['suggestion_id'], unique=False)

    op.create_table('breaks',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('run_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('side', sa.String(length=4), nullable=False),
    sa.Column('bank_entry_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('book_item_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('break_class', sa.String(length=32), nullable=False),
    sa.Column('reason_code', sa.String(length=35), nullable=True),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('amount', breakdesk.app.store.types.Amount(precision=28, scale=8), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('case_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('details', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('created_at', breakdesk.app.store.types.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['bank_entry_id'], ['bank_entries.id'], name=op.f('fk_breaks_bank_entry_id_bank_entries'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['book_item_id'], ['book_items.id'], name=op.f('fk_breaks_book_item_id_book_items'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_breaks_case_id_cases'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['run_id'], ['match_runs.id'], name=op.f('fk_breaks_run_id_match_runs'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_breaks'))
    )
    with op.batch_alter_table('breaks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_breaks_bank_entry_id'), ['bank_entry_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_breaks_book_item_id'), ['book_item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_breaks_break_class'), ['break_class'], unique=False)
        batch_op.create_index(batch_op.f('ix_breaks_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_breaks_run_id'), ['run_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_breaks_status'), ['status'], unique=False)

    op.create_table('suggestion_bank_entries',
    sa.Column('suggestion_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('bank_entry_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.ForeignKeyConstraint(['bank_entry_id'], ['bank_entries.id'], name=op.f('fk_suggestion_bank_entries_bank_entry_id_bank_entries'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['suggestion_id'], ['match_suggestions.id'], name=op.f('fk_suggestion_bank_entries_suggestion_id_match_suggestions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('suggestion_id', 'bank_entry_id', name=op.f('pk_suggestion_bank_entries'))
    )
    with op.batch_alter_table('suggestion_bank_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_suggestion_bank_entries_bank_entry_id'), ['bank_entry_id'], unique=False)

    op.create_table('suggestion_book_items',
    sa.Column('suggestion_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('book_item_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.ForeignKeyConstraint(['book_item_id'], ['book_items.id'], name=op.f('fk_suggestion_book_items_book_item_id_book_items'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['suggestion_id'], ['match_suggestions.id'], name=op.f('fk_suggestion_book_items_suggestion_id_match_suggestions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('suggestion_id', 'book_item_id', name=op.f('pk_suggestion_book_items'))
    )
    with op.batch_alter_table('suggestion_book_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_suggestion_book_items_book_item_id'), ['book_item_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('suggestion_book_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_suggestion_book_items_book_item_id'))

    op.drop_table('suggestion_book_items')
    with op.batch_alter_table('suggestion_bank_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_suggestion_bank_entries_bank_entry_id'))

    op.drop_table('suggestion_bank_entries')
    with op.batch_alter_table('breaks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_breaks_status'))
        batch_op.drop_index(batch_op.f('ix_breaks_run_id'))
        batch_op.drop_index(batch_op.f('ix_breaks_case_id'))
        batch_op.drop_index(batch_op.f('ix_breaks_break_class'))
        batch_op.drop_index(batch_op.f('ix_breaks_book_item_id'))
        batch_op.drop_index(batch_op.f('ix_breaks_bank_entry_id'))

    op.drop_table('breaks')
    with op.batch_alter_table('match_decisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_match_decisions_suggestion_id'))

    op.drop_table('match_decisions')
    with op.batch_alter_table('book_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_book_items_uetr'))
        batch_op.drop_index(batch_op.f('ix_book_items_message_id'))
        batch_op.drop_index(batch_op.f('ix_book_items_matched_suggestion_id'))
        batch_op.drop_index('ix_book_items_match')
        batch_op.drop_index(batch_op.f('ix_book_items_instruction_id'))
        batch_op.drop_index(batch_op.f('ix_book_items_external_id'))
        batch_op.drop_index(batch_op.f('ix_book_items_end_to_end_id'))
        batch_op.drop_index(batch_op.f('ix_book_items_booking_date'))
        batch_op.drop_index(batch_op.f('ix_book_items_batch_id'))
        batch_op.drop_index(batch_op.f('ix_book_items_account'))

    op.drop_table('book_items')
    with op.batch_alter_table('bank_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bank_entries_uetr'))
        batch_op.drop_index(batch_op.f('ix_bank_entries_parent_id'))
        batch_op.drop_index(batch_op.f('ix_bank_entries_message_id'))
        batch_op.drop_index(batch_op.f('ix_bank_entries_matched_suggestion_id'))
        batch_op.drop_index('ix_bank_entries_match')
        batch_op.drop_index(batch_op.f('ix_bank_entries_instruction_id'))
        batch_op.drop_index(batch_op.f('ix_bank_entries_end_to_end_id'))
        batch_op.drop_index(batch_op.f('ix_bank_entries_booking_date'))
        batch_op.drop_index(batch_op.f('ix_bank_entries_batch_id'))
        batch_op.drop_index(batch_op.f('ix_bank_entries_account_servicer_reference'))
        batch_op.drop_index(batch_op.f('ix_bank_entries_account_owner_reference'))
        batch_op.drop_index(batch_op.f('ix_bank_entries_account'))

    op.drop_table('bank_entries')
    with op.batch_alter_table('repairs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_repairs_case_id'))

    op.drop_table('repairs')
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_messages_message_ref'))
        batch_op.drop_index(batch_op.f('ix_messages_kind'))
        batch_op.drop_index(batch_op.f('ix_messages_family'))
        batch_op.drop_index(batch_op.f('ix_messages_batch_id'))

    op.drop_table('messages')
    with op.batch_alter_table('match_suggestions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_match_suggestions_run_id'))
        batch_op.drop_index(batch_op.f('ix_match_suggestions_parent_id'))
        batch_op.drop_index(batch_op.f('ix_match_suggestions_decision_state'))

    op.drop_table('match_suggestions')
    with op.batch_alter_table('llm_calls', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_llm_calls_prompt_id'))
        batch_op.drop_index(batch_op.f('ix_llm_calls_case_id'))

    op.drop_table('llm_calls')
    with op.batch_alter_table('case_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_events_case_id'))

    op.drop_table('case_events')
    op.drop_table('users')
    with op.batch_alter_table('scorecards', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scorecards_suite'))

    op.drop_table('scorecards')
    op.drop_table('match_runs')
    op.drop_table('import_batches')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cases_state'))
        batch_op.drop_index(batch_op.f('ix_cases_reason_code'))
        batch_op.drop_index(batch_op.f('ix_cases_kind'))
        batch_op.drop_index(batch_op.f('ix_cases_assignee'))

    op.drop_table('cases')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_log_actor'))
        batch_op.drop_index(batch_op.f('ix_audit_log_action'))

    op.drop_table('audit_log')
    op.drop_table('audit_chain_head')
