import { describe, expect, it } from 'vitest';
import { ApiLoginUrlMissingError, apiDatabaseUrl } from '../../../src/db/login-roles.js';

describe("the API's database login", () => {
  it('is DATABASE_API_URL when given', () => {
    const url = 'postgresql://brygga_api:secret@db.example/brygga';
    expect(
      apiDatabaseUrl({
        DATABASE_URL: 'postgresql://owner:pw@db.example/brygga',
        DATABASE_API_URL: url,
      }),
    ).toBe(url);
  });

  it('is brygga_api without a password at a server that trusts local logins', () => {
    expect(apiDatabaseUrl({ DATABASE_URL: 'postgresql://root@127.0.0.1:5432/test' })).toBe(
      'postgresql://brygga_api@127.0.0.1:5432/test',
    );
  });

  it('is refused by name when DATABASE_URL has a password and DATABASE_API_URL is missing', () => {
    expect(() =>
      apiDatabaseUrl({ DATABASE_URL: 'postgresql://owner:pw@db.example/brygga' }),
    ).toThrow(ApiLoginUrlMissingError);
    expect(() =>
      apiDatabaseUrl({ DATABASE_URL: 'postgresql://owner:pw@db.example/brygga' }),
    ).toThrow(/DATABASE_API_URL/);
  });
});
