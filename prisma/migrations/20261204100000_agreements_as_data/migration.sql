-- Agreements as data (issue 15).
--
-- 1. Prices per care type: a price may name the care it is for (somatic, psychiatric,
--    compulsory care under LPT/LRV); 'ALL' is the price of every care type without one of
--    its own that year. Existing prices are 'ALL', which is what they meant.
CREATE TYPE care_type AS ENUM ('ALL', 'SOMATIC', 'PSYCHIATRIC', 'COMPULSORY_CARE');
ALTER TABLE payment_agreement_price ADD COLUMN care_type care_type NOT NULL DEFAULT 'ALL';
ALTER TABLE payment_agreement_price DROP CONSTRAINT payment_agreement_price_pkey;
ALTER TABLE payment_agreement_price ADD PRIMARY KEY (agreement_id, year, care_type);

-- 2. The law's default (lag 2017:612, 5 kap.) as an explicit, versioned agreement for the
--    whole country: no region, no municipality. It applies to a day that neither the
--    municipality's nor the region's own agreement covers. Only the law's default may be
--    without a region.
ALTER TABLE payment_agreement ALTER COLUMN region_id DROP NOT NULL;
ALTER TABLE payment_agreement ADD CONSTRAINT payment_agreement_national_is_statutory
  CHECK (region_id IS NOT NULL OR (municipality_id IS NULL AND model = 'STATUTORY_DEFAULT'));

-- Version 1, in force with the law from 2018-01-01. Prices per day (belopp per vårddygn)
-- are those set by Socialstyrelsen that the project has confirmed (docs/money.md): 7 800 SEK
-- for 2019 and 9 300 SEK for 2022. The price of another year is added by a reviewed
-- migration once confirmed; until then a day that only this agreement covers in such a
-- year is refused as MISSING_PRICE, naming this agreement and the year.
INSERT INTO payment_agreement (id, name, region_id, municipality_id, model, valid_from, valid_to, parameters, decision)
VALUES ('00000000-0000-4000-8000-000020170612',
        'Lag (2017:612) 5 kap. – utan överenskommelse, version 1',
        NULL, NULL, 'STATUTORY_DEFAULT', '2018-01-01', NULL, '{}',
        'Lag (2017:612) om samverkan vid utskrivning från sluten hälso- och sjukvård, 5 kap.; belopp per år enligt Socialstyrelsen');
INSERT INTO payment_agreement_price (agreement_id, year, price_per_day, care_type) VALUES
  ('00000000-0000-4000-8000-000020170612', 2019, 7800.00, 'ALL'),
  ('00000000-0000-4000-8000-000020170612', 2022, 9300.00, 'ALL');
