import { useId } from 'react';

export function FileField({
  label,
  hint,
  accept,
  onChange,
  required,
  name,
}: {
  label: string;
  hint?: string;
  accept: string;
  onChange: (file: File | null) => void;
  required?: boolean;
  name: string;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {hint && (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      <input
        id={id}
        name={name}
        type="file"
        accept={accept}
        required={required}
        aria-describedby={hint ? `${id}-hint` : undefined}
        onChange={(e) => onChange(e.target.files?.[0] ?? null)}
      />
    </div>
  );
}
