import { QueryClientProvider } from "@tanstack/react-query";
import { Suspense, useState } from "react";
import { RouterProvider } from "react-router";
import { Loading } from "./components/states.tsx";
import { createUserClient, TRPCProvider } from "./lib/trpc.ts";
import { createQueryClient } from "./query-client.ts";
import { router } from "./routes.tsx";

export function App() {
  const [queryClient] = useState(createQueryClient);
  const [trpcClient] = useState(createUserClient);
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        <Suspense fallback={<Loading />}>
          <RouterProvider router={router} />
        </Suspense>
      </TRPCProvider>
    </QueryClientProvider>
  );
}
