import { Component, type ReactNode } from "react";

type LoadFailureProps = { title: string; children: ReactNode };

/**
 * Shows what went wrong when a query below it fails (`useQuery` throws the function's error while
 * rendering), with a way to try again; the rest of the page stays.
 */
export class LoadFailure extends Component<LoadFailureProps, { error?: Error }> {
  override state: { error?: Error } = {};

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  override render() {
    const { error } = this.state;
    if (!error) return this.props.children;
    return (
      <>
        <h1>{this.props.title}</h1>
        <p className="alert" role="alert">{error.message}</p>
        <button type="button" onClick={() => this.setState({ error: undefined })}>
          Try again
        </button>
      </>
    );
  }
}
