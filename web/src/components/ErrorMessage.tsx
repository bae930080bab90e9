import { useEffect, useRef } from 'react';

/** An error announced to screen readers and moved into focus so keyboard users notice it. */
export function ErrorMessage({ message, id }: { message: string | null | undefined; id?: string }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (message) ref.current?.focus();
  }, [message]);
  if (!message) return null;
  return (
    <div ref={ref} id={id} className="alert alert-error" role="alert" tabIndex={-1} data-testid="error">
      {message}
    </div>
  );
}

export function Notice({ children, tone = 'info' }: { children: React.ReactNode; tone?: 'info' | 'success' | 'warning' }) {
  return (
    <div className={`alert alert-${tone}`} role="status">
      {children}
    </div>
  );
}
