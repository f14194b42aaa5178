import type { RetentionRecordClass } from '../../generated/graphql.js';
import { InputField, SelectField } from '../../ui/field.js';
import { CLASS_LABELS, OWNER_CLASSES } from './labels.js';

/** The class of the owner's records a decision or a policy is about. */
export function RecordClassField({
  value,
  onChange,
}: {
  value: RetentionRecordClass;
  onChange: (recordClass: RetentionRecordClass) => void;
}) {
  return (
    <SelectField
      label="Records"
      value={value}
      onChange={(event) => onChange(event.target.value as RetentionRecordClass)}
    >
      {OWNER_CLASSES.map((c) => (
        <option key={c} value={c}>
          {CLASS_LABELS[c]}
        </option>
      ))}
    </SelectField>
  );
}

/** The reference of a decision or a hold in the organisation's register (diarienummer). */
export function ReferenceField({
  value,
  onChange,
  placeholder,
}: {
  value: string;
  onChange: (reference: string) => void;
  placeholder?: string;
}) {
  return (
    <InputField
      label={
        <>
          Reference <span lang="sv">(diarienummer)</span>
        </>
      }
      value={value}
      onChange={(event) => onChange(event.target.value)}
      placeholder={placeholder}
      autoComplete="off"
    />
  );
}
