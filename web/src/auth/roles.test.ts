import { groupsOf, roleOf } from './roles';

describe('the reviewer role comes from the ID token', () => {
  it.each([
    [['reviewers'], ['reviewers']],
    [['a', 'reviewers'], ['a', 'reviewers']],
    ['reviewers', ['reviewers']],
    ['a,reviewers', ['a', 'reviewers']],
    ['[a reviewers]', ['a', 'reviewers']],
    ['["a","reviewers"]', ['a', 'reviewers']],
    [undefined, []],
    [42, []],
  ])('cognito:groups %j → %j', (claim, groups) => {
    expect(groupsOf(claim)).toEqual(groups);
  });

  it('makes members of the reviewers group reviewers, everyone else an applicant', () => {
    expect(roleOf({ 'cognito:groups': ['reviewers'] })).toBe('reviewer');
    expect(roleOf({ 'cognito:groups': ['reviewers-archive'] })).toBe('applicant');
    expect(roleOf({ sub: 'x' })).toBe('applicant');
    expect(roleOf(undefined)).toBe('applicant');
    expect(roleOf({ 'cognito:groups': ['lv-reviewers'] }, 'lv-reviewers')).toBe('reviewer');
  });
});
