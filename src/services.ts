import { CaseService } from './cases/case-service.js';
import type { Database } from './db/client.js';
import { UnitDirectory } from './db/unit-directory.js';
import type { IdentityServices } from './identity/index.js';
import { DeadlineRuleBook } from './inbox/deadline-rules.js';
import { DatabaseListingRegister, type ListingRegister } from './registers/listing-register.js';
import {
  DatabasePopulationRegister,
  type PopulationRegister,
} from './registers/population-register.js';

/** The application's services, wired once per process. */
export interface Services {
  population: PopulationRegister;
  listing: ListingRegister;
  units: UnitDirectory;
  cases: CaseService;
  /** The versions of the deadline numbers (src/domain/deadlines). */
  deadlines: DeadlineRuleBook;
  identity: IdentityServices;
}

export function createServices(
  db: Database,
  identity: IdentityServices,
  now: () => Date = () => new Date(),
): Services {
  const population = new DatabasePopulationRegister(db.prisma);
  const listing = new DatabaseListingRegister(db.prisma);
  const units = new UnitDirectory(db.prisma);
  return {
    population,
    listing,
    units,
    cases: new CaseService(db.prisma, population, units, now),
    deadlines: new DeadlineRuleBook(db.prisma),
    identity,
  };
}
