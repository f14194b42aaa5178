import { type ComponentPropsWithoutRef, type ReactNode, useId } from 'react';

/**
 * One labelled control of a form: the label bound to the control by an id of its own, and,
 * where the field can be refused, what is wrong with its value, shown under the control
 * and read with it. The label's text is the control's accessible name: people, screen
 * readers and the browser tests find the control by it.
 */
interface FieldProps {
  label: ReactNode;
  /**
   * What is wrong with the value (null: nothing). A field given this prop says whether it
   * is invalid (aria-invalid), and the problem describes the control (aria-describedby).
   */
  error?: ReactNode;
}

/** The control's own attributes; its id is the field's, and only a select has children. */
type ControlProps<Element extends 'input' | 'select' | 'textarea'> = FieldProps &
  Omit<ComponentPropsWithoutRef<Element>, 'id' | (Element extends 'select' ? never : 'children')>;

export function InputField({ label, error, ...input }: ControlProps<'input'>) {
  const field = useField(error, input['aria-describedby'], input['aria-invalid']);
  return (
    <Field label={label} field={field}>
      <input {...input} {...field.control} />
    </Field>
  );
}

export function SelectField({ label, error, ...select }: ControlProps<'select'>) {
  const field = useField(error, select['aria-describedby'], select['aria-invalid']);
  return (
    <Field label={label} field={field}>
      <select {...select} {...field.control} />
    </Field>
  );
}

export function TextAreaField({ label, error, ...textarea }: ControlProps<'textarea'>) {
  const field = useField(error, textarea['aria-describedby'], textarea['aria-invalid']);
  return (
    <Field label={label} field={field}>
      <textarea {...textarea} {...field.control} />
    </Field>
  );
}

type Invalid = ComponentPropsWithoutRef<'input'>['aria-invalid'];

interface FieldWiring {
  control: { id: string; 'aria-describedby'?: string; 'aria-invalid'?: Invalid };
  errorId: string;
  problem: ReactNode;
}

/**
 * The control's id and what describes it: the caller's own description (a notice beside
 * the form) first, then the field's problem when there is one.
 */
function useField(error: ReactNode, describedBy?: string, invalid?: Invalid): FieldWiring {
  const id = useId();
  const errorId = `${id}-error`;
  const problem = error === undefined || error === null || error === false ? null : error;
  const description = [describedBy, problem === null ? null : errorId].filter(Boolean).join(' ');
  return {
    control: {
      id,
      'aria-describedby': description || undefined,
      'aria-invalid': invalid ?? (error === undefined ? undefined : problem !== null),
    },
    errorId,
    problem,
  };
}

function Field({
  label,
  field,
  children,
}: {
  label: ReactNode;
  field: FieldWiring;
  children: ReactNode;
}) {
  return (
    <div className="field">
      <label htmlFor={field.control.id}>{label}</label>
      {children}
      {field.problem === null ? null : <div id={field.errorId}>{field.problem}</div>}
    </div>
  );
}
