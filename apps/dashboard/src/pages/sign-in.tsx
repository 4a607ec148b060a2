import { SignInChoice } from "../components/sign-in-choice.tsx";

export default function SignIn() {
  return <SignInChoice mode="sign-in" />;
}
