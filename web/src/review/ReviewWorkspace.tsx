// The reviewer's workspace: the queue, and one case at a time. Loaded only for members of the
// reviewers group (a separate chunk applicants never download).
import { useState } from 'react';
import type { ApiClient } from '../api/client';
import { ReviewQueue } from './ReviewQueue';
import { ReviewCase } from './ReviewCase';

export default function ReviewWorkspace({ api }: { api: ApiClient }) {
  const [openCase, setOpenCase] = useState<string | null>(null);
  // review-wide: the case's tables and images get a wider page than the applicant's forms.
  return (
    <div className="review-wide" data-testid="review-workspace">
      {openCase ? (
        <ReviewCase key={openCase} api={api} applicationId={openCase} onBack={() => setOpenCase(null)} />
      ) : (
        <ReviewQueue api={api} onOpen={setOpenCase} />
      )}
    </div>
  );
}
