import { useState } from 'react';
import { InputField } from '../../ui/field.js';
import { lastMonth } from '../../ui/time.js';
import { EMPTY_FILTER, type FilterValues } from './filter-values.js';
import { FLAG_LABELS, FLAGS } from './flags.js';

/** The search form of the access log. The API checks every value (a bad personnummer is refused). */
export function AccessLogFilterForm({
  onSearch,
  initial,
}: {
  onSearch: (values: FilterValues) => void;
  initial?: Partial<FilterValues>;
}) {
  const [values, setValues] = useState<FilterValues>({ ...EMPTY_FILTER, ...initial });
  const set = <K extends keyof FilterValues>(key: K, value: FilterValues[K]) =>
    setValues((current) => ({ ...current, [key]: value }));
  const text = (
    key: 'personalIdentityNumber' | 'userHsaId' | 'unitHsaId',
    label: React.ReactNode,
    hint: string,
  ) => (
    <InputField
      label={label}
      name={key}
      value={values[key]}
      onChange={(event) => set(key, event.target.value)}
      placeholder={hint}
      autoComplete="off"
      spellCheck={false}
    />
  );
  return (
    <form
      className="filters"
      aria-label="Search the access log"
      onSubmit={(event) => {
        event.preventDefault();
        onSearch(values);
      }}
    >
      <div className="filters__row">
        {text(
          'personalIdentityNumber',
          <>
            Patient <span lang="sv">(personnummer)</span>
          </>,
          'YYYYMMDD-NNNN',
        )}
        {text('userHsaId', 'User (HSA-ID)', 'SE…')}
        {text('unitHsaId', 'Unit (HSA-ID)', 'SE…')}
        <InputField
          label="From"
          name="from"
          type="date"
          value={values.from}
          onChange={(event) => set('from', event.target.value)}
        />
        <InputField
          label="To (inclusive)"
          name="to"
          type="date"
          value={values.to}
          onChange={(event) => set('to', event.target.value)}
        />
        <button
          type="button"
          className="button--quiet"
          onClick={() => {
            const month = lastMonth();
            setValues((current) => ({ ...current, from: month.from, to: month.to }));
          }}
        >
          Last month
        </button>
      </div>
      <fieldset className="filters__flags">
        <legend>Only rows with</legend>
        {FLAGS.map((flag) => (
          <label key={flag} className="check">
            <input
              type="checkbox"
              name="flags"
              value={flag}
              checked={values.flags.includes(flag)}
              onChange={(event) =>
                set(
                  'flags',
                  event.target.checked
                    ? [...values.flags, flag]
                    : values.flags.filter((f) => f !== flag),
                )
              }
            />
            {FLAG_LABELS[flag].label} <span lang="sv">({FLAG_LABELS[flag].swedish})</span>
          </label>
        ))}
        <label className="check">
          <input
            type="checkbox"
            name="deniedOnly"
            checked={values.deniedOnly}
            onChange={(event) => set('deniedOnly', event.target.checked)}
          />
          Denied <span lang="sv">(nekad åtkomst)</span>
        </label>
      </fieldset>
      <div className="filters__actions">
        <button type="submit">Search</button>
        <button type="button" className="button--quiet" onClick={() => setValues(EMPTY_FILTER)}>
          Clear
        </button>
      </div>
    </form>
  );
}
