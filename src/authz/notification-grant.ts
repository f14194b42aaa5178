import type { FieldCategory } from './field-categories.js';
import type { Action } from './policy.js';

/**
 * Who may set up and end their unit's e-mail and SMS notifications, and see what was sent
 * (src/notifications): whoever may change the unit's cases' ADMINISTRATIVE information, that
 * is, the staff who run the unit's part of its cases (ward, primary care, municipal health
 * care and social services staff), for their acting unit only. Finance reads ADMINISTRATIVE
 * but never runs a case; security officers, identity admins and information owners have no
 * ADMINISTRATIVE grant. The notifications carry no patient data, so no case grant is needed.
 */
export const NOTIFICATION_GRANT = {
  category: 'ADMINISTRATIVE',
  action: 'change',
} as const satisfies { category: FieldCategory; action: Action };
