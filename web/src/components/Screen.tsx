import { useEffect, useRef, type ReactNode } from 'react';

/** One step's screen: its heading takes focus when the step changes, for screen readers. */
export function Screen({ title, children, testId }: { title: string; children: ReactNode; testId: string }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    heading.current?.focus();
  }, [testId]);
  return (
    <section className="card" aria-labelledby={`${testId}-title`} data-testid={testId}>
      <h2 id={`${testId}-title`} ref={heading} tabIndex={-1}>
        {title}
      </h2>
      {children}
    </section>
  );
}
