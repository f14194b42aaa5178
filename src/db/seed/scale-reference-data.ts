/**
 * The fixed names of the region-year `npm run seed:scale` loads (scripts/seed-scale-region.ts
 * builds the rest from a seeded stream): its region, and the first of its wards, which
 * exists at every size. The demo IdP's scale persona acts there (src/identity/demo-idp).
 */
export const SCALE_REGION_ORG_NUMBER = '2321000099';
export const SCALE_REGION = `SE${SCALE_REGION_ORG_NUMBER}-0001`;
export const SCALE_FIRST_WARD = `SE${SCALE_REGION_ORG_NUMBER}-W001`;
