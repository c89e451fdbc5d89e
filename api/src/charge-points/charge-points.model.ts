export interface ChargePointInput {
  /**
   * The OCPP identity the charger connects with: ws(s)://HOST/ocpp/{identity}.
   * @pattern ^[!-9;-~]{1,25}$
   * @maxLength 48
   */
  identity: string;
  /** @maxLength 64 */
  location_id: string;
  /**
   * HTTP Basic password for OCPP security profile 1/2; stored hashed.
   * @minLength 16
   * @maxLength 40
   */
  password?: string;
}

export interface ChargePointUpdate {
  /**
   * @minLength 16
   * @maxLength 40
   */
  password?: string;
}

export interface ChargePoint {
  id: string;
  identity: string;
  location_id: string;
  vendor: string | null;
  model: string | null;
  serial_number: string | null;
  firmware_version: string | null;
  ocpp_version: string;
  online: boolean;
  last_seen_at: Date | null;
  has_password: boolean;
  status: 'ACTIVE' | 'REMOVED';
  created_at: Date;
}

/** Who a connecting charger is: the gateway's one cross-tenant lookup, at the handshake. */
export interface ChargePointIdentity {
  tenantId: string;
  chargePointId: string;
  identity: string;
  passwordHash: string | null;
}
