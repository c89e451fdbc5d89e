import { createAccount } from '../auth/accounts.js';
import { hashPassword, randomToken, sha256, verifyPassword } from '../auth/secrets.js';
import { isUniqueViolation } from '../db/errors.js';
import type { NetworksTable, StaffRole } from '../db/schema.js';
import type { Scopes } from '../db/tenancy.js';
import type { LocationsService } from '../locations/locations.service.js';
import { writeThenPublish } from '../realtime/after-commit.js';
import type { EventBus } from '../realtime/events.js';
import { fail } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import { type Page, type PageRequest, toPage } from '../shared/pagination.js';
import { normaliseEmail } from '../shared/validation.js';
import type { CreatedInvitation, Network, NetworkSignup, NetworkUpdate, StaffMember } from './networks.model.js';

const INVITATION_TTL_MS = 7 * 24 * 3600 * 1000;
const ROLE_RANK: Record<StaffRole, number> = { viewer: 0, support: 1, operator: 2, admin: 3, owner: 4 };

type NetworkRow = Pick<NetworksTable, 'id' | 'name' | 'slug' | 'country' | 'currency'> & {
  public_sharing: boolean;
  created_at: Date;
  billing_address?: string | null;
  vat_number?: string | null;
  payment_hold_amount?: number | string;
  stripe_account_id?: string | null;
  application_fee_percent?: number | string;
};

function toNetwork(row: NetworkRow): Network {
  return {
    id: row.id,
    name: row.name,
    slug: row.slug,
    country: row.country,
    currency: row.currency,
    public_sharing: row.public_sharing,
    billing_address: row.billing_address ?? null,
    vat_number: row.vat_number ?? null,
    payment_hold_amount: Number(row.payment_hold_amount ?? 5000),
    stripe_account_id: row.stripe_account_id ?? null,
    application_fee_percent: Number(row.application_fee_percent ?? 0),
    created_at: row.created_at,
  };
}

export class NetworksService {
  constructor(
    private readonly scopes: Scopes,
    private readonly bus: EventBus | undefined,
    private readonly locations: LocationsService,
  ) {}

  /** Marks the demo network, which the platform may reset and which says so to its visitors. */
  async markDemo(networkId: string): Promise<void> {
    await this.scopes.system((tx) => tx.updateTable('networks').set({ is_demo: true }).where('id', '=', networkId).execute());
  }

  /** A new network with its first owner, in one transaction: both or neither. */
  async signUp(input: NetworkSignup): Promise<{ network: Network; ownerId: string }> {
    const email = normaliseEmail(input.owner.email);
    const passwordHash = await hashPassword(input.owner.password);
    try {
      return await this.scopes.system(async (tx) => {
        const taken = await tx.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst();
        if (taken) throw fail.conflict('An account with this email exists; sign in and ask to be invited instead.', 'email-taken');
        const networkId = newId('net');
        const network = await tx
          .insertInto('networks')
          .values({
            id: networkId,
            name: input.network.name.trim(),
            slug: input.network.slug,
            country: input.network.country,
            currency: input.network.currency,
            public_sharing: input.network.public_sharing ?? true,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        const ownerId = await createAccount(tx, { email, name: input.owner.name, passwordHash });
        await tx.insertInto('memberships').values({ tenant_id: networkId, user_id: ownerId, role: 'owner' }).execute();
        return { network: toNetwork(network), ownerId };
      });
    } catch (error) {
      if (isUniqueViolation(error, 'networks_slug_key')) throw fail.conflict(`The slug "${input.network.slug}" is taken.`, 'slug-taken');
      if (isUniqueViolation(error, 'users_email_key')) throw fail.conflict('An account with this email exists.', 'email-taken');
      throw error;
    }
  }

  /** A network by its slug, for public pages (its status page); only networks that share publicly. */
  async publicBySlug(slug: string): Promise<{ id: string; name: string; slug: string }> {
    const row = await this.scopes.system((tx) =>
      tx.selectFrom('networks').select(['id', 'name', 'slug']).where('slug', '=', slug).where('public_sharing', '=', true).executeTakeFirst(),
    );
    if (!row) throw fail.notFound('network', slug);
    return row;
  }

  async get(tenantId: string): Promise<Network> {
    const row = await this.scopes.tenant(tenantId, (tx) => tx.selectFrom('networks').selectAll().where('id', '=', tenantId).executeTakeFirst());
    if (!row) throw fail.notFound('network', tenantId);
    return toNetwork(row);
  }

  async update(tenantId: string, patch: NetworkUpdate): Promise<Network> {
    const row = await writeThenPublish(this.scopes, this.bus, tenantId, async (tx, emit) => {
      const before = await tx.selectFrom('networks').selectAll().where('id', '=', tenantId).executeTakeFirst();
      const values = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
      if (!before || Object.keys(values).length === 0) return before;
      const after = await tx.updateTable('networks').set(values).where('id', '=', tenantId).returningAll().executeTakeFirstOrThrow();
      // Sharing decides who sees every location: discovery, open data and realtime clients must hear of it.
      if (after.public_sharing !== before.public_sharing) emit(...(await this.locations.renewAll(tx, tenantId)));
      return after;
    });
    if (!row) throw fail.notFound('network', tenantId);
    return toNetwork(row);
  }

  async listStaff(tenantId: string, page: PageRequest): Promise<Page<StaffMember>> {
    const after = page.after as [string] | undefined;
    const rows = await this.scopes.tenant(tenantId, (tx) => {
      let query = tx
        .selectFrom('memberships')
        .innerJoin('users', 'users.id', 'memberships.user_id')
        .select(['users.id as user_id', 'users.email', 'users.name', 'memberships.role', 'memberships.created_at'])
        .orderBy('users.id')
        .limit(page.limit + 1);
      if (after) query = query.where('users.id', '>', String(after[0]));
      return query.execute();
    });
    return toPage(
      rows,
      page,
      (r) => [r.user_id],
      (r) => ({ user_id: r.user_id, email: r.email, name: r.name, role: r.role, joined_at: r.created_at }),
    );
  }

  async invite(tenantId: string, inviter: { userId?: string; role?: StaffRole }, email: string, role: StaffRole): Promise<CreatedInvitation> {
    if (!inviter.userId || !inviter.role) throw fail.forbidden('Invitations are sent by a signed-in staff member.');
    if (ROLE_RANK[role] > ROLE_RANK[inviter.role]) throw fail.forbidden(`An ${inviter.role} cannot invite an ${role}.`);
    const normalised = normaliseEmail(email);
    const token = `inv_${randomToken(40)}`;
    const id = newId('inv');
    const row = await this.scopes.tenant(tenantId, async (tx) => {
      const member = await tx
        .selectFrom('memberships')
        .innerJoin('users', 'users.id', 'memberships.user_id')
        .select('users.id')
        .where('users.email', '=', normalised)
        .executeTakeFirst();
      if (member) throw fail.conflict('This person is already on the staff.', 'already-member');
      return tx
        .insertInto('invitations')
        .values({
          tenant_id: tenantId,
          id,
          email: normalised,
          role,
          token_hash: sha256(token),
          invited_by: inviter.userId as string,
          expires_at: new Date(Date.now() + INVITATION_TTL_MS),
        })
        .returningAll()
        .executeTakeFirstOrThrow();
    });
    return { id: row.id, email: row.email, role: row.role, expires_at: row.expires_at, created_at: row.created_at, token };
  }

  /** Joins the invitee to the network, creating the account if needed. Returns who joined where. */
  async acceptInvitation(token: string, name: string | undefined, password: string): Promise<{ userId: string; tenantId: string }> {
    return this.scopes.system(async (tx) => {
      const invitation = await tx.selectFrom('invitations').selectAll().where('token_hash', '=', sha256(token)).forUpdate().executeTakeFirst();
      if (!invitation || invitation.accepted_at || invitation.expires_at.getTime() <= Date.now()) {
        throw fail.notFound('invitation (it may have expired or been used)');
      }
      const existing = await tx.selectFrom('users').select(['id', 'password_hash']).where('email', '=', invitation.email).executeTakeFirst();
      let userId: string;
      if (existing) {
        if (!(await verifyPassword(existing.password_hash, password)))
          throw fail.unauthenticated('The password does not match the existing account for this email.');
        userId = existing.id;
      } else {
        if (!name) throw fail.invalid([{ field: 'name', message: 'is required to create the account' }]);
        userId = await createAccount(tx, { email: invitation.email, name, passwordHash: await hashPassword(password) });
      }
      const inserted = await tx
        .insertInto('memberships')
        .values({ tenant_id: invitation.tenant_id, user_id: userId, role: invitation.role })
        .onConflict((oc) => oc.columns(['tenant_id', 'user_id']).doNothing())
        .returning('user_id')
        .executeTakeFirst();
      if (!inserted) throw fail.conflict("You are already on this network's staff.", 'already-member');
      await tx
        .updateTable('invitations')
        .set({ accepted_at: new Date() })
        .where('tenant_id', '=', invitation.tenant_id)
        .where('id', '=', invitation.id)
        .execute();
      return { userId, tenantId: invitation.tenant_id };
    });
  }
}
