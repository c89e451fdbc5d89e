import type { StaffRole } from '../db/schema.js';
import type { CountryCode, CurrencyCode, DisplayName, Email, Password } from '../shared/validation.js';

export interface Network {
  id: string;
  name: string;
  slug: string;
  country: string;
  currency: string;
  /** Whether the network's published locations appear in public discovery and open data. */
  public_sharing: boolean;
  /** Shown on receipts. */
  billing_address: string | null;
  vat_number: string | null;
  /** Held on the driver's card when a session starts (minor units); the cost is captured from it. */
  payment_hold_amount: number;
  /** Stripe Connect account the network is paid out to (destination charges); null: the platform keeps the money. */
  stripe_account_id: string | null;
  /** The platform's fee on each payment, in percent. */
  application_fee_percent: number;
  created_at: Date;
}

export interface NetworkSignup {
  network: {
    name: DisplayName;
    /**
     * Lower-case letters, digits and dashes.
     * @pattern ^[a-z0-9][a-z0-9-]{1,62}$
     * @maxLength 63
     */
    slug: string;
    country: CountryCode;
    currency: CurrencyCode;
    public_sharing?: boolean;
  };
  owner: { email: Email; name: DisplayName; password: Password };
}

export interface NetworkUpdate {
  name?: DisplayName;
  country?: CountryCode;
  currency?: CurrencyCode;
  public_sharing?: boolean;
  /** @maxLength 500 */
  billing_address?: string | null;
  /** @maxLength 40 */
  vat_number?: string | null;
  /**
   * @isInt
   * @minimum 100
   * @maximum 100000
   */
  payment_hold_amount?: number;
  /**
   * A Stripe connected account id.
   * @pattern ^acct_[A-Za-z0-9]{4,64}$
   * @maxLength 255
   */
  stripe_account_id?: string | null;
  /**
   * @minimum 0
   * @maximum 100
   */
  application_fee_percent?: number;
}

export interface StaffMember {
  user_id: string;
  email: string;
  name: string;
  role: StaffRole;
  joined_at: Date;
}

export interface InvitationRequest {
  email: Email;
  role: StaffRole;
}

export interface Invitation {
  id: string;
  email: string;
  role: StaffRole;
  expires_at: Date;
  created_at: Date;
}

export interface CreatedInvitation extends Invitation {
  /** Shown once. Send it to the invitee, who accepts with `POST /v1/invitations/accept`. */
  token: string;
}

export interface InvitationAcceptance {
  /** @minLength 10 @maxLength 512 */
  token: string;
  /** Needed when the invitee has no account yet. */
  name?: DisplayName;
  password: Password;
}
