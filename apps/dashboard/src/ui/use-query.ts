import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { errorMessage, request, type Variables } from '../api/graphql-client';

export interface QueryState<T> {
  data: T | null;
  error: string | null;
  loading: boolean;
  reload: () => void;
}

/**
 * Runs a query whenever its variables change (compared as JSON). A response that arrives after a
 * newer request was sent is dropped, so a slow answer never overwrites a fresh one.
 */
export const useQuery = <T>(token: string, query: string, variables: Variables | null): QueryState<T> => {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(variables !== null);
  const [generation, setGeneration] = useState(0);
  const latest = useRef(0);
  const key = variables === null ? null : JSON.stringify(variables);

  useEffect(() => {
    if (key === null) return;
    const ticket = ++latest.current;
    setLoading(true);
    request<T>(token, query, JSON.parse(key) as Variables).then(
      (result) => {
        if (ticket !== latest.current) return;
        setData(result);
        setError(null);
        setLoading(false);
      },
      (failure: unknown) => {
        if (ticket !== latest.current) return;
        setError(errorMessage(failure));
        setLoading(false);
      },
    );
  }, [token, query, key, generation]);

  const reload = useCallback(() => setGeneration((value) => value + 1), []);
  return { data, error, loading, reload };
};
