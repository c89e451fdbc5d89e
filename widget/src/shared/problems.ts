import { msg } from '@lit/localize';

/**
 * The driver-facing refusals in the driver's language, by the problem's stable code (the API's
 * own `detail` is English). A code not listed falls back to the API's words.
 */
export function problemText(code: string | undefined): string | undefined {
  switch (code) {
    case 'slot-taken':
      return msg('Someone booked that time meanwhile. Pick another time.');
    case 'no-evse-free':
      return msg('No charger is free for that time. Pick another time, or join the line.');
    case 'overlapping-reservation':
      return msg('You already have a booking at that time.');
    case 'reservation-closed':
      return msg('This booking can no longer be changed.');
    case 'offer-closed':
      return msg('This offer has ended.');
    case 'no-payment-method':
    case 'payment-method-required':
      return msg('Add a payment method first.');
    case 'email-taken':
      return msg('An account with this email exists already. Sign in instead.');
    case 'receipt-not-ready':
      return msg('The receipt is ready once the session has ended and been priced.');
    case 'session-ended':
      return msg('This session has ended.');
    case 'location-removed':
    case 'evse-removed':
      return msg('This charger is no longer in service.');
    default:
      return undefined;
  }
}
