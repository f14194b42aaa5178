import type { AccessFlag, AccessLogFilter } from '../../generated/graphql.js';
import { nextDay, startOfStockholmDay } from '../../ui/time.js';

/** The access-log search form's values, and what the API is asked from them. */

export interface FilterValues {
  personalIdentityNumber: string;
  userHsaId: string;
  unitHsaId: string;
  /** Stockholm dates, both inclusive. */
  from: string;
  to: string;
  flags: AccessFlag[];
  deniedOnly: boolean;
}

export const EMPTY_FILTER: FilterValues = {
  personalIdentityNumber: '',
  userHsaId: '',
  unitHsaId: '',
  from: '',
  to: '',
  flags: [],
  deniedOnly: false,
};

/** The form's values as the API's filter: blank fields left out, dates as Stockholm days. */
export function toApiFilter(values: FilterValues): AccessLogFilter {
  const text = (value: string) => (value.trim() === '' ? undefined : value.trim());
  return {
    personalIdentityNumber: text(values.personalIdentityNumber),
    userHsaId: text(values.userHsaId),
    unitHsaId: text(values.unitHsaId),
    from: values.from ? startOfStockholmDay(values.from) : undefined,
    to: values.to ? startOfStockholmDay(nextDay(values.to)) : undefined,
    flags: values.flags.length > 0 ? values.flags : undefined,
    outcomes: values.deniedOnly ? ['DENIED'] : undefined,
  };
}
